package org.maskseg.knime.util;

/** Shared wording of the node factories. */
public final class NodeFactories {

    private NodeFactories() {
    }

    /** MaskSeg nodes have no views; KNIME never asks for one when the view count is 0. */
    public static IndexOutOfBoundsException noView(final int index) {
        return new IndexOutOfBoundsException("This node has no views (requested view " + index + ")");
    }
}
