package org.knime.core.node.port;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.zip.ZipEntry;

import javax.swing.JComponent;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContent;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;

/**
 * API surface: a spec that saves itself into a {@link ModelContent}. Its serializer writes the content as the zip
 * entry "content.xml" and creates the spec class (which needs a public no-argument constructor) when reading.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/port/AbstractSimplePortObjectSpec.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class AbstractSimplePortObjectSpec implements PortObjectSpec {

    public AbstractSimplePortObjectSpec() {
    }

    protected abstract void save(ModelContentWO model);

    protected abstract void load(ModelContentRO model) throws InvalidSettingsException;

    /** Serializer of a simple spec; subclass it with the concrete spec class as type argument. */
    public abstract static class AbstractSimplePortObjectSpecSerializer<T extends AbstractSimplePortObjectSpec>
        extends PortObjectSpecSerializer<T> {

        @Override
        public T loadPortObjectSpec(final PortObjectSpecZipInputStream in) throws IOException {
            ZipEntry entry = in.getNextEntry();
            if (entry == null || !"content.xml".equals(entry.getName())) {
                throw new IOException("Expected zip entry content.xml, found " + (entry == null ? "none" : entry));
            }
            ModelContentRO content = ModelContent.loadFromXML(new FilterInputStream(in) {
                @Override
                public void close() {
                    // the zip stream stays open for the caller
                }
            });
            try {
                T spec = specClass().getDeclaredConstructor().newInstance();
                spec.load(content);
                return spec;
            } catch (InvalidSettingsException e) {
                throw new IOException("Cannot read port object spec: " + e.getMessage(), e);
            } catch (ReflectiveOperationException e) {
                throw new IOException("Spec class needs a public no-argument constructor", e);
            }
        }

        @Override
        public void savePortObjectSpec(final T portObject, final PortObjectSpecZipOutputStream out)
            throws IOException {
            ModelContent content = new ModelContent("model.xml");
            portObject.save(content);
            out.putNextEntry(new ZipEntry("content.xml"));
            content.saveToXML(new FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            });
            out.closeEntry();
        }

        @SuppressWarnings("unchecked")
        private Class<T> specClass() {
            Type t = getClass().getGenericSuperclass();
            while (!(t instanceof ParameterizedType p
                && p.getRawType() == AbstractSimplePortObjectSpecSerializer.class)) {
                t = ((Class<?>)(t instanceof ParameterizedType p2 ? p2.getRawType() : t)).getGenericSuperclass();
            }
            return (Class<T>)((ParameterizedType)t).getActualTypeArguments()[0];
        }
    }

    @Override
    public JComponent[] getViews() {
        return new JComponent[0];
    }
}
