package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;

/** TIFF stacks: plain multi-page z-stacks and ImageJ hyperstacks, written here with ImageIO directly. */
class TiffStackTest {

    @TempDir
    Path dir;

    /**
     * Writes 8-bit pages whose pixel (x, y) of page p is 10·p + x + 4·y; the first page carries the
     * description and resolution when given.
     */
    private Path stack(String name, int pages, String description, long[] xResolution) throws IOException {
        Path file = dir.resolve(name);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int p = 0; p < pages; p++) {
                BufferedImage page = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 4; x++) {
                        page.getRaster().setSample(x, y, 0, 10 * p + x + 4 * y);
                    }
                }
                IIOMetadata metadata = null;
                if (p == 0 && description != null) {
                    TIFFDirectory d = TIFFDirectory.createFromMetadata(writer.getDefaultImageMetadata(
                            new javax.imageio.ImageTypeSpecifier(page), writer.getDefaultWriteParam()));
                    BaselineTIFFTagSet tags = BaselineTIFFTagSet.getInstance();
                    d.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION),
                            TIFFTag.TIFF_ASCII, 1, new String[] {description}));
                    if (xResolution != null) {
                        d.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_X_RESOLUTION),
                                TIFFTag.TIFF_RATIONAL, 1, new long[][] {xResolution}));
                    }
                    metadata = d.getAsMetadata();
                }
                writer.writeToSequence(new IIOImage(page, null, metadata), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    @Test
    void plainMultiPageTiffIsAZStack() throws IOException {
        ImageVolume v = ImageFiles.readImage(stack("z.tif", 3, null, null));
        assertArrayEquals(new long[] {4, 2, 3}, v.spatialSize());
        assertEquals(1, v.channels());
        assertArrayEquals(new double[] {1, 1, 1}, v.spacing());
        // voxel (x=1, y=1, z=2) is at ((2·2 + 1)·4 + 1) and holds 10·2 + 1 + 4
        assertEquals(25f, v.data()[(2 * 2 + 1) * 4 + 1]);
    }

    @Test
    void imagejHyperstackPagesAreChannelFastest() throws IOException {
        // 2 channels × 3 slices: page p is channel p % 2 of slice p / 2
        Path f = stack("h.tif", 6, "ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nunit=micron\n"
                + "spacing=2.5\nloop=false\n", new long[] {5, 2});
        ImageVolume v = ImageFiles.readImage(f);
        assertArrayEquals(new long[] {4, 2, 3}, v.spatialSize());
        assertEquals(2, v.channels());
        assertArrayEquals(new double[] {0.4, 1, 2.5}, v.spacing(), 1e-12);
        int plane = 8;
        int volume = 3 * plane;
        for (int c = 0; c < 2; c++) {
            for (int z = 0; z < 3; z++) {
                int page = z * 2 + c;
                assertEquals(10f * page + 3 + 4, v.data()[c * volume + z * plane + 4 + 3], "c=" + c + " z=" + z);
            }
        }
        ImageInfo info = ImageFiles.readInfo(f);
        assertEquals(2, info.channels());
        assertArrayEquals(new long[] {4, 2, 3}, info.size());
    }

    @Test
    void framesWithoutSlicesAreAZStackButTimeSeriesAreRefused() throws IOException {
        ImageVolume v = ImageFiles.readImage(stack("f.tif", 4, "ImageJ=1.54f\nimages=4\nframes=4\n", null));
        assertArrayEquals(new long[] {4, 2, 4}, v.spatialSize());
        Path t = stack("t.tif", 4, "ImageJ=1.54f\nimages=4\nslices=2\nframes=2\n", null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.readImage(t));
        assertTrue(e.getMessage().contains("t.tif") && e.getMessage().contains("time"), e.getMessage());
    }

    @Test
    void writtenStacksCarryAnImagejDescription() throws IOException {
        ImageVolume image = ImageVolume.create("w", new long[] {3, 2, 4}, 2, new double[] {0.5, 0.5, 3});
        for (int i = 0; i < image.data().length; i++) {
            image.data()[i] = i;
        }
        Path f = dir.resolve("w.tif");
        ImageFiles.writeImage(image, f);
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertEquals(8, reader.getNumImages(true));
            String d = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0))
                    .getTIFFField(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION).getAsString(0);
            assertTrue(d.startsWith("ImageJ=") && d.contains("\nchannels=2\n") && d.contains("\nslices=4\n")
                    && d.contains("\nspacing=3.0\n"), d);
            // page 3 is channel 1 of slice 1: its first pixel is element 1·24 + 1·6 of the image
            assertEquals(30f, reader.read(3).getRaster().getSampleFloat(0, 0, 0));
            reader.dispose();
        }
    }
}
