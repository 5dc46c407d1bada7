package org.maskseg.knime.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.knime.core.data.filestore.FileStore;
import org.knime.core.data.filestore.FileStorePortObject;
import org.knime.core.data.filestore.FileStoreTestAccess;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObject.PortObjectSerializer;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortObjectSpec.PortObjectSpecSerializer;
import org.knime.core.node.port.PortObjectSpecZipOutputStream;
import org.knime.core.node.port.PortObjectZipOutputStream;
import org.knime.core.node.port.PortTestAccess;

/**
 * Saves and loads port objects and specs with their serializers, as KNIME does when a workflow is saved and opened
 * again. File stores are copied to a new folder first, so a loaded object cannot depend on the original files.
 */
public final class PortObjects {

    private PortObjects() {
    }

    public static <S extends PortObjectSpec> S roundTripSpec(final S spec, final PortObjectSpecSerializer<S> ser)
        throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PortObjectSpecZipOutputStream out = PortTestAccess.specOut(bytes)) {
            ser.savePortObjectSpec(spec, out);
        }
        return ser.loadPortObjectSpec(PortTestAccess.specIn(new ByteArrayInputStream(bytes.toByteArray())));
    }

    public static <S extends PortObjectSpec, T extends PortObject> T roundTrip(final T object,
        final PortObjectSerializer<T> ser, final PortObjectSpecSerializer<S> specSer, final Path newStoreDir)
        throws Exception {
        @SuppressWarnings("unchecked")
        S spec = roundTripSpec((S)object.getSpec(), specSer);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PortObjectZipOutputStream out = PortTestAccess.objectOut(bytes)) {
            ser.savePortObject(object, out, new ExecutionMonitor());
        }
        List<FileStore> moved = new ArrayList<>();
        if (object instanceof FileStorePortObject fsp) {
            Files.createDirectories(newStoreDir);
            int i = 0;
            for (FileStore fs : FileStoreTestAccess.fileStores(fsp)) {
                Path target = newStoreDir.resolve(i++ + "-" + fs.getFile().getName());
                Files.copy(fs.getFile().toPath(), target, StandardCopyOption.REPLACE_EXISTING);
                moved.add(FileStoreTestAccess.create(target.toFile()));
            }
        }
        T loaded = ser.loadPortObject(PortTestAccess.objectIn(new ByteArrayInputStream(bytes.toByteArray())), spec,
            new ExecutionMonitor());
        if (loaded instanceof FileStorePortObject fsp) {
            FileStoreTestAccess.attach(fsp, moved);
        }
        return loaded;
    }

    /** The files behind a file-store port object. */
    public static List<File> files(final FileStorePortObject object) throws IOException {
        return FileStoreTestAccess.fileStores(object).stream().map(FileStore::getFile).toList();
    }
}
