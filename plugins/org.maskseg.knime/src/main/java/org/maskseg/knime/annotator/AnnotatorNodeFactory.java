package org.maskseg.knime.annotator;

import org.knime.core.node.NodeDialogPane;
import org.maskseg.knime.util.DialogNodeFactory;

/** Ignore-Label Annotator; description in AnnotatorNodeFactory.xml. */
public final class AnnotatorNodeFactory extends DialogNodeFactory<AnnotatorNodeModel> {

    @Override
    public AnnotatorNodeModel createNodeModel() {
        return new AnnotatorNodeModel();
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new AnnotatorNodeDialog();
    }
}
