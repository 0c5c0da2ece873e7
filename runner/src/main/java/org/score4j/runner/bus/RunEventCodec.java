package org.score4j.runner.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;
import org.score4j.runner.io.RunEventJson;

/**
 * The event bus codec of {@link RunEvent}s: inside the JVM the immutable record itself is delivered; across
 * the wire (clustered buses, bridges) it travels as the JSON of {@link RunEventJson}.
 */
public final class RunEventCodec implements MessageCodec<RunEvent, RunEvent> {
    /** The prefix of the codec's registered names (one name per event record type). */
    public static final String NAME = "score4j-run-event";

    private final String name;

    private RunEventCodec(String name) {
        this.name = name;
    }

    /**
     * Registers a codec as the default for every event record type (a bus needs one codec name per type);
     * does nothing for a bus where this was done before.
     */
    public static synchronized void registerOn(EventBus bus) {
        for (Class<? extends RunEvent> type : java.util.List.of(RunStarted.class, StepEvent.class,
                RunCompleted.class, RunFailed.class)) {
            RunEventCodec codec = new RunEventCodec(NAME + "-" + type.getSimpleName());
            try {
                register(bus, type, codec);
            } catch (IllegalStateException alreadyRegistered) {
                // registered by an earlier publisher on the same bus
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void register(EventBus bus, Class<? extends RunEvent> type, RunEventCodec codec) {
        bus.registerDefaultCodec((Class) type, (MessageCodec) codec);
    }

    @Override
    public void encodeToWire(Buffer buffer, RunEvent event) {
        byte[] bytes = RunEventJson.encode(event).getBytes(StandardCharsets.UTF_8);
        buffer.appendInt(bytes.length);
        buffer.appendBytes(bytes);
    }

    @Override
    public RunEvent decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        String json = buffer.getString(pos + 4, pos + 4 + length, StandardCharsets.UTF_8.name());
        return RunEventJson.decode(json);
    }

    @Override
    public RunEvent transform(RunEvent event) {
        return event;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
