package org.score4j.sde;

import java.util.List;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.ScheduleFactory;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.api.plugin.SdeFactory;

/**
 * The plugin entry point of this jar: the forward SDEs {@code ve}, {@code vp}, {@code subvp} and {@code ddpm}
 * (the discrete DDPM process) and the time grids {@code uniform}, {@code quadratic}, {@code karras},
 * {@code logsnr}. Listed in
 * {@code META-INF/services/org.score4j.api.plugin.Score4jPlugin}; stateless and thread-safe.
 */
public final class SdePlugin implements Score4jPlugin {

    @Override
    public int apiMajor() {
        return ApiVersion.MAJOR;
    }

    @Override
    public List<SdeFactory> sdes() {
        return List.of(new VeSde.Factory(), new VpSde.Factory(), new SubVpSde.Factory(), new DdpmSde.Factory());
    }

    @Override
    public List<ScheduleFactory> schedules() {
        return List.of(new UniformSchedule.Factory(), new QuadraticSchedule.Factory(),
                new KarrasSchedule.Factory(), new LogSnrSchedule.Factory());
    }
}
