package org.knime.core.internal;

/**
 * API surface: only the nested marker interface {@link Serializer}, which KNIME's port object (spec) serializers
 * implement. The class's own methods are framework-internal and not used by the nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/internal/SerializerMethodLoader.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class SerializerMethodLoader {

    private SerializerMethodLoader() {
    }

    /** The marker interface of port object and spec serializers. */
    public static interface Serializer<T> {
    }
}
