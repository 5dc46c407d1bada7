package org.knime.core.node;

import java.awt.Component;

/**
 * API surface: a node's view. In KNIME it is shown in its own window, with the component set by
 * {@link #setComponent(Component)} in the centre; here the component is only kept, so that tests (which run
 * headless) can look at it. The framework (here: the execution double through {@code NodeTestAccess}) creates the
 * view with the factory, registers it with the model so that it receives {@code notifyViews}, calls
 * {@link #modelChanged()} and {@link #onOpen()}, and {@link #onClose()} when it is closed.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeView.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6 and tag analytics-platform/5.3.0: extends {@code AbstractNodeView<T>};
 * {@code getNodeModel()} returns {@code T}; {@code getComponent()} and {@code setComponent(Component)} are protected
 * final.
 *
 * @param <T> the node model
 */
public abstract class NodeView<T extends NodeModel> extends AbstractNodeView<T>
    implements NodeModelWarningListener {

    private volatile Component m_comp;

    protected NodeView(final T nodeModel) {
        super(nodeModel);
    }

    protected T getNodeModel() {
        return getViewableModel();
    }

    protected final Component getComponent() {
        return m_comp;
    }

    protected final void setComponent(final Component comp) {
        m_comp = comp;
    }

    protected abstract void onClose();

    protected abstract void onOpen();
}
