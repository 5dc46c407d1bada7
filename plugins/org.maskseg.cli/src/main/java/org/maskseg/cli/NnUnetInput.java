package org.maskseg.cli;

import java.nio.file.Path;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.NnUnetDataset;

/** The {@code --dataset DIR} option of plan, train, predict and evaluate: an nnU-Net v2 raw dataset. */
final class NnUnetInput {

    private NnUnetInput() {
    }

    /** Either a dataset or both folders. */
    static void checkFolders(Path dataset, Path images, Path labels) {
        if (dataset != null && (images != null || labels != null)) {
            throw new InvalidInputException("give either --dataset or --images and --labels, not both (the dataset "
                    + "holds its images in imagesTr/ and its labels in labelsTr/)");
        }
        if (dataset == null && (images == null || labels == null)) {
            throw new InvalidInputException("give the training data: --images DIR and --labels DIR, or --dataset DIR "
                    + "(an nnU-Net raw dataset)");
        }
    }

    /**
     * Refuses options whose values come from dataset.json when a dataset is given.
     *
     * @param optionsAndValues option name, value, option name, value, ...; a null value was not given
     */
    static void refuseWithDataset(Path dataset, Object... optionsAndValues) {
        if (dataset == null) {
            return;
        }
        for (int i = 0; i < optionsAndValues.length; i += 2) {
            if (optionsAndValues[i + 1] != null) {
                throw new InvalidInputException(optionsAndValues[i] + " cannot be combined with --dataset: it comes "
                        + "from the dataset's dataset.json ('" + dataset.resolve(NnUnetDataset.DATASET_JSON) + "')");
            }
        }
    }

    /** Opens the dataset and prints its notes (keys that are read but not used) on standard error. */
    static NnUnetDataset open(Path dataset) {
        NnUnetDataset ds = NnUnetDataset.open(dataset);
        for (String note : ds.notes()) {
            System.err.println("maskseg: note: " + note);
        }
        return ds;
    }
}
