package org.knime.core.util;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * API surface (subset): turning the paths and URLs users type into local files. In KNIME, {@link #resolveToPath}
 * also resolves the {@code knime://} protocol (e.g. {@code knime://knime.workflow/data/a.png}, relative to the
 * workflow) through KNIME's URL handlers; outside KNIME only {@code file:} URLs are local, other URLs give null as
 * KNIME does for non-local URLs.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/util/FileUtil.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class FileUtil {

    private FileUtil() {
    }

    /** The text as a URL if it is one, otherwise the file URL of the local path it denotes. */
    public static URL toURL(final String path) throws MalformedURLException, InvalidPathException {
        if (path.isEmpty()) {
            throw new InvalidPathException("", "Empty path");
        }
        try {
            return new URL(path.replace(" ", "%20"));
        } catch (MalformedURLException e) {
            return Path.of(path).toAbsolutePath().toUri().toURL();
        }
    }

    /** The local file behind the URL, or null if it is not a local file. */
    public static Path resolveToPath(final URL url) throws IOException, URISyntaxException {
        if (!"file".equalsIgnoreCase(url.getProtocol())) {
            return null;
        }
        return Path.of(url.toURI());
    }
}
