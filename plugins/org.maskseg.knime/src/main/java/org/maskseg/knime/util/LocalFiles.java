package org.maskseg.knime.util;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.knime.core.util.FileUtil;
import org.maskseg.core.InvalidInputException;

/**
 * Resolves what users type as a file: a local path, a {@code file:} URL, or a KNIME URL such as
 * {@code knime://knime.workflow/data/image.png} (relative to the workflow), which KNIME maps to a local file.
 */
public final class LocalFiles {

    private LocalFiles() {
    }

    /**
     * @param what names the file in messages, e.g. "model file"
     */
    public static Path resolve(final String text, final String what) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new InvalidInputException(what + ": the file path is empty");
        }
        try {
            Path p = FileUtil.resolveToPath(FileUtil.toURL(t));
            if (p == null) {
                throw new InvalidInputException(what + " '" + t
                    + "' is not a local file; use a local path or a knime:// URL of a local workflow");
            }
            return p;
        } catch (MalformedURLException | InvalidPathException | URISyntaxException e) {
            throw new InvalidInputException(what + " '" + t + "' is not a valid path or URL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(what + " '" + t + "' cannot be resolved: " + e.getMessage(), e);
        }
    }
}
