package net.imagej;

import java.util.Map;

/**
 * API surface (subset): image metadata beyond the axes. The real interface also declares valid bits, channel
 * ranges and colour tables; the nodes use none of them, so only the property table is declared here.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/ImageMetadata.java.
 */
public interface ImageMetadata {

    Map<String, Object> getProperties();
}
