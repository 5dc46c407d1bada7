package org.maskseg.core.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

/**
 * One case of a {@link DatasetFolder}: its image file(s) — one per channel group, in channel order — and
 * its label file. Size and channels come from the file headers; pixels are read on demand.
 */
public final class DatasetCase {

    private final String name;
    private final List<Path> imageFiles;
    private final Path labelFile;
    private final long[] size;
    private final int channels;

    DatasetCase(String name, List<Path> imageFiles, Path labelFile, long[] size, int channels) {
        this.name = name;
        this.imageFiles = List.copyOf(imageFiles);
        this.labelFile = labelFile;
        this.size = size.clone();
        this.channels = channels;
    }

    public String name() {
        return name;
    }

    /** The image files; several for the nnU-Net convention (name_0000, name_0001, ...). */
    public List<Path> imageFiles() {
        return imageFiles;
    }

    /** The label file, empty for images-only datasets. */
    public Optional<Path> labelFile() {
        return Optional.ofNullable(labelFile);
    }

    /** Spatial size from the headers, x first. */
    public long[] size() {
        return size.clone();
    }

    public int spatialDims() {
        return size.length;
    }

    public int channels() {
        return channels;
    }

    /**
     * The file name for results of this case (e.g. predicted labels): the case name with the extension of
     * its (first) image file, so that outputs have the inputs' names and format.
     */
    public String outputFileName() {
        return name + ImageFormat.extension(imageFiles.get(0));
    }

    /**
     * Writes labels computed for this case (e.g. a prediction) into a folder, under
     * {@link #outputFileName()}, in the format of the case's image; NIfTI results get the image's
     * orientation.
     *
     * @return the file written
     */
    public Path writeLabels(LabelVolume labels, Path outputFolder) {
        return writeLabels(labels, outputFolder, false);
    }

    /**
     * Writes labels like {@link #writeLabels(LabelVolume, Path)}; with {@code nnUNetTypes} in the integer type
     * nnU-Net would write (see {@link ImageFiles#writeLabels(LabelVolume, Path, Path, boolean)}).
     */
    public Path writeLabels(LabelVolume labels, Path outputFolder, boolean nnUNetTypes) {
        Path target = outputFolder.resolve(outputFileName());
        ImageFiles.writeLabels(labels, target, imageFiles.get(0), nnUNetTypes);
        return target;
    }

    /** Reads the image, all channel files concatenated, named after the case. */
    public ImageVolume readImage() {
        if (imageFiles.size() == 1) {
            ImageVolume image = ImageFiles.readImage(imageFiles.get(0), name);
            checkImage(image);
            return image;
        }
        ImageVolume[] parts = new ImageVolume[imageFiles.size()];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = ImageFiles.readImage(imageFiles.get(i), name);
            if (!Arrays.equals(parts[i].spatialSize(), parts[0].spatialSize())) {
                throw new InvalidInputException("case '" + name + "': channel file '" + imageFiles.get(i).getFileName()
                        + "' is " + ImageInfo.sizeText(parts[i].spatialSize()) + " but '" + imageFiles.get(0).getFileName()
                        + "' is " + ImageInfo.sizeText(parts[0].spatialSize()));
            }
            total += parts[i].channels();
        }
        ImageVolume image = ImageVolume.create(name, parts[0].spatialSize(), total, parts[0].spacing());
        float[] out = image.data();
        int offset = 0;
        for (ImageVolume p : parts) {
            float[] d = p.data();
            System.arraycopy(d, 0, out, offset, d.length);
            offset += d.length;
        }
        checkImage(image);
        return image;
    }

    /** Reads the labels, named after the case. */
    public LabelVolume readLabels() {
        if (labelFile == null) {
            throw new InvalidInputException("case '" + name + "' has no label file");
        }
        LabelVolume labels = ImageFiles.readLabels(labelFile, name);
        if (!Arrays.equals(labels.size(), size)) {
            throw sizeMismatch(size, labels.size());
        }
        return labels;
    }

    /** Reads image and labels (labels given the image's spacing); labels are null without a label file. */
    public CaseData read() {
        ImageVolume image = readImage();
        LabelVolume labels = labelFile == null ? null : readLabels().withSpacing(image.spacing());
        return new CaseData(name, image, labels);
    }

    private void checkImage(ImageVolume image) {
        // the files may have changed since the dataset was opened
        if (!Arrays.equals(image.spatialSize(), size) || image.channels() != channels) {
            throw new InvalidInputException("case '" + name + "': image is now " + ImageInfo.sizeText(image.spatialSize())
                    + " with " + image.channels() + " channel(s), but was " + ImageInfo.sizeText(size) + " with "
                    + channels + " when the dataset was opened; were the files changed?");
        }
    }

    InvalidInputException sizeMismatch(long[] imageSize, long[] labelSize) {
        return new InvalidInputException("case '" + name + "': image is " + ImageInfo.sizeText(imageSize)
                + " but labels are " + ImageInfo.sizeText(labelSize));
    }

    @Override
    public String toString() {
        return "DatasetCase[" + name + ", images=" + imageFiles + ", labels=" + labelFile + "]";
    }
}
