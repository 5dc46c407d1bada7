package org.maskseg.core.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.maskseg.core.InvalidInputException;

/** The image file formats MaskSeg reads and writes, recognised by file extension. */
public enum ImageFormat {
    /** Portable Network Graphics: 2D, 8 or 16 bit, grey or RGB(A). */
    PNG(".png"),
    /**
     * TIFF: 2D or multi-page 3D (z-stack, or ImageJ hyperstack with channels), 8/16/32-bit integer or 32/64-bit
     * float; channels as samples per pixel or as ImageJ hyperstack pages.
     */
    TIFF(".tif", ".tiff"),
    /** NIfTI-1 single file, uncompressed. */
    NIFTI(".nii"),
    /** NIfTI-1 single file, gzip-compressed. */
    NIFTI_GZ(".nii.gz");

    private final List<String> extensions;

    ImageFormat(String... extensions) {
        this.extensions = List.of(extensions);
    }

    /** Lower-case extensions including the dot, the preferred one first. */
    public List<String> extensions() {
        return extensions;
    }

    public boolean isNifti() {
        return this == NIFTI || this == NIFTI_GZ;
    }

    /** The format of a file name, if it has a supported extension (case-insensitive). */
    public static Optional<ImageFormat> find(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        // .nii.gz before .nii is not needed (different endings), but longest match keeps it obvious
        ImageFormat best = null;
        int bestLength = 0;
        for (ImageFormat f : values()) {
            for (String e : f.extensions) {
                if (n.endsWith(e) && n.length() > e.length() && e.length() > bestLength) {
                    best = f;
                    bestLength = e.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The format of a file name; a clear error for anything else. */
    public static ImageFormat of(Path file) {
        return find(file).orElseThrow(() -> new InvalidInputException("'" + file
                + "': unsupported file extension; expected " + supportedExtensions()));
    }

    /** True when the file name has a supported extension. */
    public static boolean isSupported(Path file) {
        return find(file).isPresent();
    }

    /** The file name without its image extension, e.g. {@code case_01} for {@code case_01.nii.gz}. */
    public static String baseName(Path file) {
        String n = file.getFileName().toString();
        return find(file).map(f -> n.substring(0, n.length() - extensionOf(n, f).length())).orElse(n);
    }

    /** The extension of the file name as written (original case), e.g. {@code .nii.gz} or {@code .TIF}. */
    public static String extension(Path file) {
        String n = file.getFileName().toString();
        return find(file).map(f -> extensionOf(n, f)).orElse("");
    }

    private static String extensionOf(String name, ImageFormat f) {
        String lower = name.toLowerCase(Locale.ROOT);
        String longest = "";
        for (String e : f.extensions) {
            if (lower.endsWith(e) && e.length() > longest.length()) {
                longest = e;
            }
        }
        return name.substring(name.length() - longest.length());
    }

    /** "(.png, .tif, .tiff, .nii, .nii.gz)" for messages. */
    public static String supportedExtensions() {
        StringBuilder sb = new StringBuilder();
        for (ImageFormat f : values()) {
            for (String e : f.extensions) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e);
            }
        }
        return sb.toString();
    }
}
