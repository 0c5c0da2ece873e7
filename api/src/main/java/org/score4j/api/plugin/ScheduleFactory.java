package org.score4j.api.plugin;

/** Creates a time grid (`--schedule`). */
public interface ScheduleFactory extends PluginFactory<org.score4j.api.solver.TimeSchedule> {}
