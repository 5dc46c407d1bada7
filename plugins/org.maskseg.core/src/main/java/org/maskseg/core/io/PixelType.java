package org.maskseg.core.io;

/** Pixel types found in image files. */
public enum PixelType {
    UINT8("8-bit unsigned"),
    INT8("8-bit signed"),
    UINT16("16-bit unsigned"),
    INT16("16-bit signed"),
    INT32("32-bit signed"),
    UINT32("32-bit unsigned"),
    FLOAT32("32-bit float"),
    FLOAT64("64-bit float");

    private final String description;

    PixelType(String description) {
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }
}
