package org.maskseg.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.model.TrainedModel;

/**
 * What a training keeps in its work folder after each epoch: the curves (CSV and PNG), the best model whenever
 * it changes, and the checkpoint every {@code checkpointEvery} epochs and after the last one. Every file is
 * written atomically, so a cancelled or killed run leaves complete files of an earlier epoch. Without a folder
 * nothing is written.
 */
final class WorkFolder {

    private final Path folder;
    private final int checkpointEvery;
    private final List<String> scoreNames;
    private final CancellationToken cancellation;

    WorkFolder(Path folder, int checkpointEvery, List<String> scoreNames, CancellationToken cancellation) {
        this.folder = folder;
        this.checkpointEvery = checkpointEvery;
        this.scoreNames = List.copyOf(scoreNames);
        this.cancellation = cancellation;
    }

    /**
     * @param newBest    the best model when this epoch made a new one, else null
     * @param last       whether this is the run's last epoch (a checkpoint is always written then)
     * @param checkpoint makes the checkpoint, called only when one is due
     */
    void epochDone(List<EpochStats> history, TrainedModel newBest, boolean last, Supplier<Checkpoint> checkpoint)
            throws IOException {
        if (folder == null) {
            return;
        }
        cancellation.throwIfCancelled();
        TrainingCurves.writeScores(folder, scoreNames, history);
        if (newBest != null) {
            newBest.save(folder.resolve(Trainer.BEST_MODEL));
        }
        int epoch = history.get(history.size() - 1).epoch();
        if (last || epoch % checkpointEvery == 0) {
            checkpoint.get().save(folder.resolve(Trainer.CHECKPOINT));
        }
    }

    Path path() {
        return folder;
    }
}
