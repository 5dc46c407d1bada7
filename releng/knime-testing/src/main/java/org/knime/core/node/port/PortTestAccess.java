package org.knime.core.node.port;

import java.io.InputStream;
import java.io.OutputStream;

/** Creates the framework-only zip streams that port object serializers write to and read from. */
public final class PortTestAccess {

    private PortTestAccess() {
    }

    public static PortObjectZipOutputStream objectOut(final OutputStream out) {
        return new PortObjectZipOutputStream(out);
    }

    public static PortObjectZipInputStream objectIn(final InputStream in) {
        return new PortObjectZipInputStream(in);
    }

    public static PortObjectSpecZipOutputStream specOut(final OutputStream out) {
        return new PortObjectSpecZipOutputStream(out);
    }

    public static PortObjectSpecZipInputStream specIn(final InputStream in) {
        return new PortObjectSpecZipInputStream(in);
    }
}
