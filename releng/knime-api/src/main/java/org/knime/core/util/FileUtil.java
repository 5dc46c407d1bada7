package org.knime.core.util;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * API surface (subset): turning the paths and URLs users type into local files. In KNIME, {@link #resolveToPath}
 * resolves the {@code knime://} protocol through KNIME's URL handlers and the node's workflow context: e.g.
 * {@code knime://knime.workflow/data/a.png} is relative to the workflow folder. Here {@code knime://knime.workflow/}
 * URLs resolve against the workflow folder a test has set (standing in for the workflow context; without one they
 * cannot be resolved, as in KNIME outside a workflow), other {@code knime://} hosts (mount points) are not local;
 * {@code file:} URLs are local, other URLs give null as KNIME does for non-local URLs.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/util/FileUtil.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class FileUtil {

    private static final String KNIME_PROTOCOL = "knime";

    private static final String WORKFLOW_HOST = "knime.workflow";

    /** The registered handler of knime: URLs in KNIME; here they are only parsed and resolved to paths. */
    private static final URLStreamHandler KNIME_URLS = new URLStreamHandler() {
        @Override
        protected URLConnection openConnection(final URL u) throws IOException {
            throw new IOException("knime: URLs are only resolved to local paths by the API surface: " + u);
        }
    };

    /** The folder of the workflow being executed, set through the test access class; null outside a workflow. */
    static volatile Path workflowDirectory;

    private FileUtil() {
    }

    /** The text as a URL if it is one, otherwise the file URL of the local path it denotes. */
    public static URL toURL(final String path) throws MalformedURLException, InvalidPathException {
        if (path.isEmpty()) {
            throw new InvalidPathException("", "Empty path");
        }
        try {
            String spec = path.replace(" ", "%20");
            if (spec.regionMatches(true, 0, KNIME_PROTOCOL + ":", 0, KNIME_PROTOCOL.length() + 1)) {
                return new URL(null, spec, KNIME_URLS);
            }
            return new URL(spec);
        } catch (MalformedURLException e) {
            return Path.of(path).toAbsolutePath().toUri().toURL();
        }
    }

    /** The local file behind the URL, or null if it is not a local file. */
    public static Path resolveToPath(final URL url) throws IOException, URISyntaxException {
        if (KNIME_PROTOCOL.equalsIgnoreCase(url.getProtocol())) {
            if (!WORKFLOW_HOST.equalsIgnoreCase(url.getHost())) {
                return null;
            }
            Path workflow = workflowDirectory;
            if (workflow == null) {
                throw new IOException("No workflow context available to resolve " + url);
            }
            String relative = URLDecoder.decode(url.getPath(), StandardCharsets.UTF_8).replaceFirst("^/+", "");
            return workflow.resolve(relative).normalize();
        }
        if (!"file".equalsIgnoreCase(url.getProtocol())) {
            return null;
        }
        return Path.of(url.toURI());
    }
}
