package org.maskseg.knime.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.knime.knip.base.data.img.ImgPlusCellFactory;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

import net.imagej.ImgPlus;
import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

class ImageCellsTest {

    private static final ImgPlusCellFactory CELLS = new ImgPlusCellFactory(null);

    private static <T extends RealType<T>> ImgPlusValue<T> cell(final ImgPlus<T> img) throws IOException {
        return CELLS.createCell(img);
    }

    @Test
    void xyImageKeepsRowMajorOrderAndSpacing() throws IOException {
        // 3 wide, 2 high; value = 10 * y + x
        byte[] px = {0, 1, 2, 10, 11, 12};
        ImgPlus<?> img = new ImgPlus<>(ArrayImgs.unsignedBytes(px, 3, 2), "a", new AxisType[]{Axes.X, Axes.Y},
            new double[]{0.5, 2});
        ImageVolume v = ImageCells.toImageVolume(cell((ImgPlus)img), "a");
        assertArrayEquals(new long[]{3, 2}, v.spatialSize());
        assertEquals(1, v.channels());
        assertArrayEquals(new float[]{0, 1, 2, 10, 11, 12}, v.data());
        assertArrayEquals(new double[]{0.5, 2}, v.spacing());
    }

    @Test
    void axesAreMatchedByTypeNotPosition() throws IOException {
        // dims (channel=2, y=2, x=3) stored channel-fastest; value = 100 * c + 10 * y + x
        float[] px = new float[12];
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 2; y++) {
                for (int c = 0; c < 2; c++) {
                    px[c + 2 * (y + 2 * x)] = 100 * c + 10 * y + x;
                }
            }
        }
        ImgPlus<?> img = new ImgPlus<>(ArrayImgs.floats(px, 2, 2, 3), "b",
            new AxisType[]{Axes.CHANNEL, Axes.Y, Axes.X});
        ImageVolume v = ImageCells.toImageVolume(cell((ImgPlus)img), "b");
        assertArrayEquals(new long[]{3, 2}, v.spatialSize());
        assertEquals(2, v.channels());
        assertArrayEquals(new float[]{0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112}, v.data());
    }

    @Test
    void zOfSizeOneIsTwoDimensional() throws IOException {
        ImgPlus<?> img = new ImgPlus<>(ArrayImgs.ints(new int[]{1, 0, 0, 1}, 2, 2, 1), "c",
            new AxisType[]{Axes.X, Axes.Y, Axes.Z});
        LabelVolume l = ImageCells.toLabelVolume(cell((ImgPlus)img), "c");
        assertEquals(2, l.dims());
        assertArrayEquals(new int[]{1, 0, 0, 1}, l.data());
    }

    @Test
    void timeSeriesIsRefusedWithTheAxisNamed() throws IOException {
        ImgPlus<?> img = new ImgPlus<>(ArrayImgs.floats(2, 2, 3), "t", new AxisType[]{Axes.X, Axes.Y, Axes.TIME});
        InvalidInputException e =
            assertThrows(InvalidInputException.class, () -> ImageCells.toImageVolume(cell((ImgPlus)img), "t"));
        assertTrue(e.getMessage().contains("'Time' has size 3"), e.getMessage());
    }

    @Test
    void fractionalLabelIsRefusedWithItsVoxel() throws IOException {
        ImgPlus<?> img = new ImgPlus<>(ArrayImgs.floats(new float[]{0, 1, 1, 0.5f}, 2, 2), "l");
        InvalidInputException e =
            assertThrows(InvalidInputException.class, () -> ImageCells.toLabelVolume(cell((ImgPlus)img), "l"));
        assertTrue(e.getMessage().contains("0.5 at voxel (1, 1)"), e.getMessage());
    }

    @Test
    void multiChannelLabelsAreRefused() throws IOException {
        ImgPlus<?> img = new ImgPlus<>(ArrayImgs.ints(2, 2, 2), "m", new AxisType[]{Axes.X, Axes.Y, Axes.CHANNEL});
        InvalidInputException e =
            assertThrows(InvalidInputException.class, () -> ImageCells.toLabelVolume(cell((ImgPlus)img), "m"));
        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
    }

    @Test
    void labelCellRoundTripKeepsNegativeIgnoreValueAndSpacing() throws IOException {
        LabelVolume labels = LabelVolume.wrap("r", new int[]{0, 1, -1, 1, 0, -1, 0, 0}, new long[]{2, 2, 2},
            new double[]{1, 1, 3});
        ImgPlusCell<?> c = (ImgPlusCell<?>)ImageCells.labelCell(labels, CELLS);
        assertArrayEquals(new long[]{2, 2, 2}, c.getDimensions());
        LabelVolume back = ImageCells.toLabelVolume(c, "r");
        assertArrayEquals(labels.data(), back.data());
        assertArrayEquals(new double[]{1, 1, 3}, back.spacing());
    }

    @Test
    void imageCellHasChannelAxis() throws IOException {
        ImageVolume probs = ImageVolume.wrap("p", new float[]{0.25f, 0.75f, 0.75f, 0.25f}, new long[]{2, 1}, 2,
            new double[]{1, 1});
        ImgPlusCell<?> c = (ImgPlusCell<?>)ImageCells.imageCell(probs, CELLS);
        assertEquals(2, c.getImgPlus().dimensionIndex(Axes.CHANNEL));
        ImageVolume back = ImageCells.toImageVolume(c, "p");
        assertEquals(2, back.channels());
        assertArrayEquals(probs.data(), back.data());
    }
}
