package org.knime.core.node;

/**
 * API surface: creates a node's model, views and dialog. KNIME reads the node description from the XML file named
 * like the factory class, next to it.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeFactory.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class NodeFactory<T extends NodeModel> {

    protected NodeFactory() {
    }

    public abstract T createNodeModel();

    protected abstract int getNrNodeViews();

    public abstract NodeView<T> createNodeView(int viewIndex, T nodeModel);

    protected abstract boolean hasDialog();

    protected abstract NodeDialogPane createNodeDialogPane();
}
