package org.maskseg.knime.annotator;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.maskseg.knime.util.NodeFactories;

/** Ignore-Label Annotator; description in AnnotatorNodeFactory.xml. */
public final class AnnotatorNodeFactory extends NodeFactory<AnnotatorNodeModel> {

    @Override
    public AnnotatorNodeModel createNodeModel() {
        return new AnnotatorNodeModel();
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<AnnotatorNodeModel> createNodeView(final int viewIndex, final AnnotatorNodeModel nodeModel) {
        throw NodeFactories.noView(viewIndex);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new AnnotatorNodeDialog();
    }
}
