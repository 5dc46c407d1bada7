package org.knime.core.node;

/**
 * API surface: the common superclass of node views. {@link #modelChanged()} is called by the framework (on the event
 * dispatch thread in KNIME) when the node's state changed, e.g. after execute or reset; {@link #updateModel(Object)}
 * receives what the model passes to {@code NodeModel.notifyViews(Object)}, on the thread that calls it (the node's
 * execution thread), so views marshal to the event dispatch thread themselves.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/AbstractNodeView.java, tag
 * analytics-platform/5.3.0 (commit d89cdfa2ca7d4e4bb86fe7d650520f979fe47b6e): type parameter
 * {@code T extends AbstractNodeView.ViewableModel}, {@code modelChanged()} abstract, {@code updateModel(Object)}
 * overridable.
 *
 * @param <T> the model the view shows
 */
public abstract class AbstractNodeView<T extends AbstractNodeView.ViewableModel> {

    /** API surface: what a view can show; {@link NodeModel} is one. */
    public interface ViewableModel {
    }

    private final T m_viewableModel;

    protected AbstractNodeView(final T viewableModel) {
        if (viewableModel == null) {
            throw new NullPointerException("Model must not be null");
        }
        m_viewableModel = viewableModel;
    }

    protected final T getViewableModel() {
        return m_viewableModel;
    }

    protected abstract void modelChanged();

    protected void updateModel(final Object arg) {
        // views that show intermediate results override this
    }
}
