package org.knime.core.node.port;

import java.io.OutputStream;
import java.util.zip.ZipOutputStream;

/**
 * API surface: the zip stream a serializer writes to or reads from. Created only by the framework (package-private
 * constructor, as in KNIME).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/port/PortObjectSpecZipOutputStream.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class PortObjectSpecZipOutputStream extends ZipOutputStream {

    PortObjectSpecZipOutputStream(final OutputStream stream) {
        super(stream);
    }
}
