import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Draws a diagram of a KNIME workflow from its workflow.knime: every node as a box at the position KNIME stores
 * (extrainfo.node.bounds), labelled with the node's folder name, and every connection as an arrow from output
 * port to input port. A diagram, not a screenshot of KNIME. Run with the JDK alone:
 *
 *   java releng/WorkflowDiagram.java "workflows-examples/MaskSeg Batch Prediction" docs/workflow-batch-prediction.png
 */
public class WorkflowDiagram {

    record Box(int id, String label, int x, int y) {
    }

    record Link(int from, int to, int fromPort, int toPort) {
    }

    static final int W = 150;
    static final int H = 54;

    public static void main(String[] args) throws Exception {
        Path workflow = Path.of(args[0]);
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(workflow.resolve("workflow.knime").toFile()).getDocumentElement();
        Map<Integer, Box> boxes = new LinkedHashMap<>();
        for (Element node : children(config(root, "nodes"))) {
            int id = Integer.parseInt(entry(node, "id"));
            String file = entry(node, "node_settings_file");
            String label = file.substring(0, file.indexOf('/')).replaceAll(" \\(#\\d+\\)$", "");
            Element bounds = config(config(node, "ui_settings"), "extrainfo.node.bounds");
            boxes.put(id, new Box(id, label, Integer.parseInt(entry(bounds, "0")), Integer.parseInt(entry(bounds, "1"))));
        }
        List<Link> links = new ArrayList<>();
        for (Element c : children(config(root, "connections"))) {
            links.add(new Link(Integer.parseInt(entry(c, "sourceID")), Integer.parseInt(entry(c, "destID")),
                    Integer.parseInt(entry(c, "sourcePort")), Integer.parseInt(entry(c, "destPort"))));
        }

        // KNIME's coordinates, spread a little so that labels fit, with a margin and a title
        double sx = 1.25;
        int minX = boxes.values().stream().mapToInt(Box::x).min().orElse(0);
        int minY = boxes.values().stream().mapToInt(Box::y).min().orElse(0);
        int margin = 30;
        int title = 34;
        Map<Integer, int[]> at = new LinkedHashMap<>();
        int width = 0;
        int height = 0;
        for (Box b : boxes.values()) {
            int x = margin + (int) Math.round((b.x() - minX) * sx);
            int y = margin + title + (b.y() - minY);
            at.put(b.id(), new int[] {x, y});
            width = Math.max(width, x + W + margin);
            height = Math.max(height, y + H + margin + 18);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(60, 60, 60));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Workflow diagram: " + workflow.getFileName(), margin, margin + 6);

        // connections: from the right edge (output port n) to the left edge (input port n)
        g.setStroke(new BasicStroke(1.6f));
        g.setColor(new Color(90, 90, 90));
        for (Link l : links) {
            int[] a = at.get(l.from());
            int[] b = at.get(l.to());
            double x1 = a[0] + W;
            double y1 = a[1] + portY(l.fromPort());
            double x2 = b[0];
            double y2 = b[1] + portY(l.toPort());
            double dx = Math.max(40, Math.abs(x2 - x1) / 2);
            g.draw(new CubicCurve2D.Double(x1, y1, x1 + dx, y1, x2 - dx, y2, x2 - 7, y2));
            Path2D head = new Path2D.Double();
            head.moveTo(x2, y2);
            head.lineTo(x2 - 9, y2 - 5);
            head.lineTo(x2 - 9, y2 + 5);
            head.closePath();
            g.fill(head);
        }

        // nodes: MaskSeg's in one colour, KNIME's own in grey
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        for (Box b : boxes.values()) {
            int[] p = at.get(b.id());
            boolean ours = b.label().startsWith("MaskSeg") || b.label().startsWith("Ignore-Label");
            g.setColor(ours ? new Color(222, 235, 250) : new Color(238, 238, 238));
            RoundRectangle2D r = new RoundRectangle2D.Double(p[0], p[1], W, H, 12, 12);
            g.fill(r);
            g.setColor(ours ? new Color(40, 90, 160) : new Color(120, 120, 120));
            g.setStroke(new BasicStroke(1.5f));
            g.draw(r);
            g.setFont(font);
            drawCentred(g, b.label(), p[0], p[1], W, H);
            g.setFont(small);
            g.setColor(new Color(110, 110, 110));
            String id = "node " + b.id();
            g.drawString(id, p[0] + (W - g.getFontMetrics().stringWidth(id)) / 2, p[1] + H + 13);
        }
        g.dispose();
        File out = new File(args[1]);
        Files.createDirectories(out.toPath().toAbsolutePath().getParent());
        ImageIO.write(img, "png", out);
    }

    /** Ports 1, 2, ... at increasing heights of the box (port 0 is KNIME's flow-variable port). */
    static double portY(int port) {
        return H * (port <= 1 ? 0.5 : Math.min(0.85, 0.35 + 0.3 * (port - 1)));
    }

    /** The label in at most two lines, centred. */
    static void drawCentred(Graphics2D g, String text, int x, int y, int w, int h) {
        FontMetrics fm = g.getFontMetrics();
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String word : text.split(" ")) {
            String next = line.isEmpty() ? word : line + " " + word;
            if (fm.stringWidth(next) > w - 12 && !line.isEmpty()) {
                lines.add(line);
                line = word;
            } else {
                line = next;
            }
        }
        lines.add(line);
        int top = y + (h - lines.size() * fm.getHeight()) / 2 + fm.getAscent();
        for (int i = 0; i < lines.size(); i++) {
            g.drawString(lines.get(i), x + (w - fm.stringWidth(lines.get(i))) / 2, top + i * fm.getHeight());
        }
    }

    static Element config(Element parent, String key) {
        for (Element e : children(parent)) {
            if (e.getTagName().equals("config") && key.equals(e.getAttribute("key"))) {
                return e;
            }
        }
        throw new IllegalArgumentException("no config " + key + " in " + parent.getAttribute("key"));
    }

    static String entry(Element parent, String key) {
        for (Element e : children(parent)) {
            if (e.getTagName().equals("entry") && key.equals(e.getAttribute("key"))) {
                return e.getAttribute("value");
            }
        }
        throw new IllegalArgumentException("no entry " + key + " in " + parent.getAttribute("key"));
    }

    static List<Element> children(Element parent) {
        List<Element> list = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e) {
                list.add(e);
            }
        }
        return list;
    }
}
