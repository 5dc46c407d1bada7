package org.maskseg.knime.trainer;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.imageio.ImageIO;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;

import org.maskseg.core.train.TrainingCurves;

/**
 * The learning curve of a training, drawn at the panel's size: training and validation loss, pseudo-Dice per class
 * (or region) with its moving average, and the learning rate over the epochs, with the running step above. The chart
 * is rendered by the engine ({@link TrainingCurves}), so the node bundle needs no charting library. {@link #show} may
 * be called from any thread (the node's execution thread while training).
 */
final class LearningCurvePanel extends JPanel {

    private static final long serialVersionUID = 1L;

    private final JLabel m_status = new JLabel(" ");

    private final Chart m_chart = new Chart();

    private volatile LearningCurve m_curve = LearningCurve.EMPTY;

    /** The number of epochs of each state shown, when it differs from the one before (how the view followed). */
    private final List<Integer> m_epochsShown = new CopyOnWriteArrayList<>();

    LearningCurvePanel() {
        super(new BorderLayout());
        add(m_status, BorderLayout.NORTH);
        add(m_chart, BorderLayout.CENTER);
        setPreferredSize(new Dimension(900, 720));
    }

    /** Shows the given state; the chart is redrawn on the event dispatch thread. */
    void show(final LearningCurve curve) {
        m_curve = curve;
        int epochs = curve.history().size();
        if (m_epochsShown.isEmpty() || m_epochsShown.get(m_epochsShown.size() - 1) != epochs) {
            m_epochsShown.add(epochs);
        }
        SwingUtilities.invokeLater(() -> {
            m_status.setText(statusText(curve));
            m_chart.repaint();
        });
    }

    LearningCurve curve() {
        return m_curve;
    }

    List<Integer> epochsShown() {
        return List.copyOf(m_epochsShown);
    }

    static String statusText(final LearningCurve c) {
        if (c.history().isEmpty() && c.status().isEmpty()) {
            return c.running() ? "Training started; the curve appears after the first epoch"
                : "No training yet: execute the node to see its learning curve";
        }
        return c.status().isEmpty() ? " " : c.status();
    }

    /** The chart of the current state at the given size, or null before the first epoch. */
    static BufferedImage render(final LearningCurve c, final int width, final int height) {
        if (c.history().isEmpty() || width < 50 || height < 50) {
            return null;
        }
        byte[] png = TrainingCurves.scorePng(c.seriesNames(), c.history(), width, height);
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Chart extends JComponent {

        private static final long serialVersionUID = 1L;

        private transient BufferedImage m_image;

        private transient LearningCurve m_imageCurve;

        @Override
        protected void paintComponent(final Graphics g) {
            LearningCurve c = m_curve;
            int w = getWidth();
            int h = getHeight();
            if (m_image == null || m_imageCurve != c || m_image.getWidth() != w || m_image.getHeight() != h) {
                m_image = render(c, w, h);
                m_imageCurve = c;
            }
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            if (m_image != null) {
                g.drawImage(m_image, 0, 0, null);
            }
        }
    }
}
