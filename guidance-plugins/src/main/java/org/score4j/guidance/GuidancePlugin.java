package org.score4j.guidance;

import java.util.List;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.Score4jPlugin;

/**
 * The plugin entry point of this jar: the guidances {@code cfg} ({@link ClassifierFreeGuidance}, Ho &amp;
 * Salimans 2022) and {@code classifier} ({@link ClassifierGuidance}, Song et al. 2021, §5). Listed in
 * {@code META-INF/services/org.score4j.api.plugin.Score4jPlugin}; does no work when constructed; stateless and
 * thread-safe.
 */
public final class GuidancePlugin implements Score4jPlugin {

    /** Used by {@link java.util.ServiceLoader}. */
    public GuidancePlugin() {}

    @Override
    public int apiMajor() {
        return ApiVersion.MAJOR;
    }

    @Override
    public List<GuidanceFactory> guidances() {
        return List.of(new ClassifierFreeGuidance.Factory(), new ClassifierGuidance.Factory());
    }
}
