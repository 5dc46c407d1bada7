package org.knime.core.node;

/**
 * API surface: a node's view. The MaskSeg nodes have none; the class is needed for NodeFactory's signature. Views
 * are Swing windows that cannot exist in this surface, so the constructor always fails.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeView.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class NodeView<T extends NodeModel> {

    protected NodeView(final T nodeModel) {
        throw new UnsupportedOperationException("Node views are not part of the compile-only KNIME API surface");
    }

    protected abstract void modelChanged();

    protected abstract void onClose();

    protected abstract void onOpen();
}
