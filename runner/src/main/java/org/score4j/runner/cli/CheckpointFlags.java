package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.train.Checkpoint;

/**
 * {@code sample --checkpoint DIR}: the model and the SDE come from the checkpoint's manifest (verified first),
 * the model loading the checkpoint's averaged weights; every other part of the pipeline (solver, predictor,
 * corrector, schedule, steps, n, seed, guidance) still comes from the flags and the pipeline file. A model or
 * SDE flag that contradicts the checkpoint — another {@code --sde} or {@code --model}, or any
 * {@code --set sde.*} or {@code --set model.*} — is an error: a network trained under one forward process
 * does not give the score of another. A pipeline file's model and SDE entries are replaced.
 */
final class CheckpointFlags {
    private CheckpointFlags() {}

    static PipelineSpec apply(PipelineSpec spec, Path dir, String sdeFlag, String modelFlag, List<String> sets) {
        Checkpoint ck = Checkpoint.open(dir);
        PluginRef model = ck.model().with(CheckpointLayout.CHECKPOINT_KEY, ck.dir().toString());
        PluginRef sde = ck.sde();
        if (sdeFlag != null && !sdeFlag.equals(sde.name())) {
            throw new ConfigException("--sde " + sdeFlag + " conflicts with --checkpoint: " + ck.dir()
                    + " was trained with sde '" + sde.name() + "'; drop --sde (the checkpoint sets it)");
        }
        if (modelFlag != null && !modelFlag.equals(model.name())) {
            throw new ConfigException("--model " + modelFlag + " conflicts with --checkpoint: " + ck.dir()
                    + " holds a '" + model.name() + "' model; drop --model (the checkpoint sets it)");
        }
        for (String s : sets) {
            if (s.startsWith("sde.") || s.startsWith("model.")) {
                throw new ConfigException("--set " + s + " conflicts with --checkpoint: the model's and the SDE's "
                        + "settings come from " + ck.dir() + "; drop it");
            }
        }
        return spec.withModel(model).withSde(sde);
    }

    /**
     * The data scaling of the checkpoint the pipeline's model loads (its {@code checkpoint} key, as
     * {@code --checkpoint} or {@code --set model.checkpoint=DIR} set it): empty when the model loads none, or
     * when that folder is not a score4j checkpoint or records no scaling.
     */
    static Optional<DataScaling> dataScaling(PipelineSpec spec) {
        String dir = spec.model().config().get(CheckpointLayout.CHECKPOINT_KEY);
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        try {
            return Checkpoint.open(Path.of(dir)).dataScaling();
        } catch (Score4jException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }
}
