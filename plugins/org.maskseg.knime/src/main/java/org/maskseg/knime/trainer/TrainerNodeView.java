package org.maskseg.knime.trainer;

import org.knime.core.node.NodeView;

/**
 * The Masked Trainer's view: the learning curve (loss, pseudo-Dice, learning rate), updated after every epoch while
 * the node executes, with the running step shown above it; after execution it shows the finished training.
 */
final class TrainerNodeView extends NodeView<TrainerNodeModel> {

    private final LearningCurvePanel m_panel = new LearningCurvePanel();

    TrainerNodeView(final TrainerNodeModel model) {
        super(model);
        setComponent(m_panel);
        m_panel.show(model.learningCurve());
    }

    @Override
    protected void modelChanged() {
        m_panel.show(getNodeModel().learningCurve());
    }

    @Override
    protected void updateModel(final Object arg) {
        // called on the execution thread with each new state; the panel draws on the event dispatch thread
        if (arg instanceof LearningCurve curve) {
            m_panel.show(curve);
        }
    }

    @Override
    protected void onOpen() {
        // the panel already shows the model's current state
    }

    @Override
    protected void onClose() {
        // nothing to release: the model keeps the curve
    }

    LearningCurvePanel panel() {
        return m_panel;
    }
}
