package org.maskseg.knime.annotator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.collection.ListCell;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettings;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.testing.Tables;
import org.maskseg.knime.util.IgnoreValueProperty;
import org.maskseg.knime.util.ImageCells;
import org.maskseg.knime.util.UnknownMaskColumns;

class AnnotatorNodeModelTest {

    @TempDir
    Path dir;

    private NodeHarness<AnnotatorNodeModel> harness() {
        return NodeHarness.of(new AnnotatorNodeFactory(), dir);
    }

    private static void set(final NodeHarness<AnnotatorNodeModel> h, final java.util.function.Consumer<AnnotatorSettings> c)
        throws InvalidSettingsException {
        AnnotatorSettings s = new AnnotatorSettings();
        s.loadFrom(h.saveSettings());
        c.accept(s);
        NodeSettings ns = new NodeSettings("model");
        s.saveTo(ns);
        h.loadSettings(ns);
    }

    private static LabelVolume labels(final BufferedDataTable t, final int row, final int col) {
        int i = 0;
        for (DataRow r : t) {
            if (i++ == row) {
                return ImageCells.toLabelVolume((ImgPlusValue<?>)r.getCell(col), r.getKey().getString());
            }
        }
        throw new IndexOutOfBoundsException(row);
    }

    @Test
    void labelColumnDeclaresItsIgnoreValueForTheNodesDownstream() throws Exception {
        List<Path> files = NodeTestData.nucleiLabels(2);
        DataTableSpec spec = Tables.spec("labels", StringCell.TYPE);
        List<DataRow> rows = new ArrayList<>();
        for (Path f : files) {
            rows.add(new DefaultRow(f.getFileName().toString(), NodeTestData.pathCell(f)));
        }
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.mode.setStringValue("scribbles");
        });
        // the default (highest class + 1) is known only from the data: declared at execute, not at configure
        DataTableSpec configured = (DataTableSpec)h.configure(spec)[0];
        assertNull(IgnoreValueProperty.of(configured.getColumnSpec("Annotated labels")));
        BufferedDataTable out = (BufferedDataTable)h.execute(Tables.table(spec, rows))[0];
        DataColumnSpec labels = out.getDataTableSpec().getColumnSpec("Annotated labels");
        assertEquals("2", labels.getProperties().getProperty(IgnoreValueProperty.KEY));
        assertEquals(2, IgnoreValueProperty.of(labels));
        assertNull(IgnoreValueProperty.of(out.getDataTableSpec().getColumnSpec("labels")), "input column untouched");

        // an ignore value set in the dialog is declared already at configure, and is the value written
        set(h, s -> {
            s.defaultIgnore.setBooleanValue(false);
            s.ignoreValue.setIntValue(255);
        });
        configured = (DataTableSpec)h.configure(spec)[0];
        assertEquals(255, IgnoreValueProperty.of(configured.getColumnSpec("Annotated labels")));
        out = (BufferedDataTable)h.execute(Tables.table(spec, rows))[0];
        assertEquals(configured, out.getDataTableSpec(), "configure and execute agree");
        TreeSet<Integer> values = new TreeSet<>();
        for (int v : labels(out, 0, 1).data()) {
            values.add(v);
        }
        assertEquals(List.of(0, 1, 255), new ArrayList<>(values));
    }

    @Test
    void scribblesOnNucleiFilePathsKeepPartOfEveryClass() throws Exception {
        List<Path> files = NodeTestData.nucleiLabels(3);
        DataTableSpec spec = Tables.spec("labels", StringCell.TYPE);
        List<DataRow> rows = new ArrayList<>();
        for (Path f : files) {
            rows.add(new DefaultRow(f.getFileName().toString(), NodeTestData.pathCell(f)));
        }
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.mode.setStringValue("scribbles");
        });
        BufferedDataTable[] out = (BufferedDataTable[])castTables(h.execute(Tables.table(spec, rows)));
        assertEquals(3, out[0].size());
        assertEquals(ImgPlusCell.TYPE, out[0].getDataTableSpec().getColumnSpec("Annotated labels").getType());
        assertEquals(6, out[1].size(), "two classes per row");
        for (int r = 0; r < 3; r++) {
            LabelVolume result = labels(out[0], r, 1);
            TreeSet<Integer> values = new TreeSet<>();
            for (int v : result.data()) {
                values.add(v);
            }
            assertEquals(List.of(0, 1, 2), new ArrayList<>(values), "classes 0, 1 and the default ignore value 2");
        }
        List<Double> statisticsFractions = new ArrayList<>();
        for (DataRow r : out[1]) {
            statisticsFractions.add(((DoubleCell)r.getCell(5)).getDoubleValue());
        }
        List<Double> listed = new ArrayList<>();
        for (DataRow r : out[0]) {
            ListCell perClass = (ListCell)r.getCell(3);
            assertEquals(2, perClass.size());
            perClass.forEach(c -> listed.add(((DoubleCell)c).getDoubleValue()));
        }
        assertEquals(statisticsFractions, listed, "the list column holds the per-class fractions of the statistics");
        for (DataRow r : out[1]) {
            long input = ((LongCell)r.getCell(3)).getLongValue();
            long kept = ((LongCell)r.getCell(4)).getLongValue();
            double fraction = ((DoubleCell)r.getCell(5)).getDoubleValue();
            assertTrue(kept > 0 && kept < input, r.toString());
            assertEquals((double)kept / input, fraction, 1e-12);
        }
        assertTrue(h.progressHistory().get(h.progressHistory().size() - 1) > 0.99);
    }

    @Test
    void remapTurnsChosenValueIntoIgnoreAndReportsTheKeptFraction() throws Exception {
        // 0 = background, 1 = nucleus, 3 = "unsure": 3 becomes the ignore value (highest class + 1 = 2)
        LabelVolume in = LabelVolume.wrap("a", new int[]{0, 0, 1, 1, 3, 3, 0, 1}, new long[]{4, 2}, new double[]{1, 1});
        DataTableSpec spec = Tables.spec("labels", ImgPlusCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.mode.setStringValue("remap");
            s.remapValues.setStringValue("3");
            s.outputColumn.setStringValue("labels");
        });
        BufferedDataTable[] out =
            (BufferedDataTable[])castTables(h.execute(Tables.table(spec, new DefaultRow("r1", NodeTestData.labelCell(in)))));
        DataTableSpec outSpec = out[0].getDataTableSpec();
        assertArrayEquals(new String[]{"labels", "labels (#1)", "Annotated fraction", "Annotated fraction per class"},
            outSpec.getColumnNames());
        assertEquals(ListCell.getCollectionType(DoubleCell.TYPE),
            outSpec.getColumnSpec("Annotated fraction per class").getType());
        assertArrayEquals(new int[]{0, 0, 1, 1, 2, 2, 0, 1}, labels(out[0], 0, 1).data());
        DataRow row = out[0].iterator().next();
        // 6 of the 8 annotated input voxels keep a class; the two 3s became ignore
        assertEquals(0.75, ((DoubleCell)row.getCell(2)).getDoubleValue(), 1e-12);
    }

    @Test
    void roiKeepsAFractionPerClassListedInClassOrder() throws Exception {
        // values 0, 1, 2 over both rows: three classes, ignore value 3
        LabelVolume a = LabelVolume.wrap("a", new int[]{0, 0, 1, 1, 0, 1, 2, 2}, new long[]{4, 2}, new double[]{1, 1});
        LabelVolume roiA = LabelVolume.wrap("ra", new int[]{1, 0, 1, 0, 1, 1, 0, 1}, new long[]{4, 2},
            new double[]{1, 1});
        LabelVolume b = LabelVolume.wrap("b", new int[]{0, 0, 0, 0, 1, 1, 1, 1}, new long[]{4, 2}, new double[]{1, 1});
        LabelVolume roiB = LabelVolume.wrap("rb", new int[]{0, 1, 1, 1, 1, 1, 1, 1}, new long[]{4, 2},
            new double[]{1, 1});
        DataTableSpec spec = Tables.spec("labels", ImgPlusCell.TYPE, "roi", ImgPlusCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.roiColumn.setStringValue("roi");
            s.mode.setStringValue("roi");
        });
        BufferedDataTable[] out = (BufferedDataTable[])castTables(h.execute(Tables.table(spec,
            new DefaultRow("a", NodeTestData.labelCell(a), NodeTestData.labelCell(roiA)),
            new DefaultRow("b", NodeTestData.labelCell(b), NodeTestData.labelCell(roiB)))));
        var rows = out[0].iterator();
        DataRow rowA = rows.next();
        DataRow rowB = rows.next();
        // row a keeps 5 of 8 annotated voxels: class 0 two of three, class 1 two of three, class 2 one of two
        assertEquals(5 / 8.0, ((DoubleCell)rowA.getCell(3)).getDoubleValue(), 1e-12);
        assertEquals(List.of(2 / 3.0, 2 / 3.0, 1 / 2.0), doubles((ListCell)rowA.getCell(4)));
        // row b keeps 7 of 8: class 0 three of four, class 1 all four; class 2 does not occur (NaN)
        assertEquals(7 / 8.0, ((DoubleCell)rowB.getCell(3)).getDoubleValue(), 1e-12);
        assertEquals(List.of(3 / 4.0, 1.0, Double.NaN), doubles((ListCell)rowB.getCell(4)));
    }

    private static List<Double> doubles(final ListCell list) {
        List<Double> out = new ArrayList<>();
        list.forEach(c -> out.add(((DoubleCell)c).getDoubleValue()));
        return out;
    }

    @Test
    void explicitIgnoreValueIsUsed() throws Exception {
        LabelVolume in = LabelVolume.wrap("a", new int[]{0, 1, 1, 0}, new long[]{2, 2}, new double[]{1, 1});
        LabelVolume roi = LabelVolume.wrap("m", new int[]{1, 1, 0, 0}, new long[]{2, 2}, new double[]{1, 1});
        DataTableSpec spec = Tables.spec("labels", ImgPlusCell.TYPE, "roi", ImgPlusCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.roiColumn.setStringValue("roi");
            s.mode.setStringValue("roi");
            s.defaultIgnore.setBooleanValue(false);
            s.ignoreValue.setIntValue(255);
        });
        BufferedDataTable[] out = (BufferedDataTable[])castTables(h.execute(Tables.table(spec,
            new DefaultRow("r1", NodeTestData.labelCell(in), NodeTestData.labelCell(roi)))));
        assertArrayEquals(new int[]{0, 1, 255, 255}, labels(out[0], 0, 2).data());
        DataRow row = out[0].iterator().next();
        assertEquals(0.5, ((DoubleCell)row.getCell(3)).getDoubleValue(), 1e-12);
    }

    @Test
    void classRoiAppendsTheUnknownMaskOfTheClassAndKeepsOtherClasses() throws Exception {
        // 4 x 2: nuclei (1) everywhere, mito (2) drawn only in the upper row
        LabelVolume in = LabelVolume.wrap("a", new int[]{2, 1, 0, 2, 1, 2, 0, 0}, new long[]{4, 2}, new double[]{1, 1});
        LabelVolume roi = LabelVolume.wrap("m", new int[]{1, 1, 1, 1, 0, 0, 0, 0}, new long[]{4, 2}, new double[]{1, 1});
        DataTableSpec spec = Tables.spec("labels", ImgPlusCell.TYPE, "roi", ImgPlusCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.roiColumn.setStringValue("roi");
            s.mode.setStringValue("class-roi");
            s.unknownClass.setStringValue("mito");
            s.classNames.setStringValue("background, nucleus, mito");
        });
        DataTableSpec configured = (DataTableSpec)h.configure(spec)[0];
        assertArrayEquals(new String[]{"labels", "roi", "Annotated labels", "Unknown mask (mito)", "Annotated fraction",
            "Annotated fraction per class"}, configured.getColumnNames());
        assertEquals("mito", UnknownMaskColumns.className(configured.getColumnNames()[3]));
        BufferedDataTable[] out = (BufferedDataTable[])castTables(h.execute(Tables.table(spec,
            new DefaultRow("r1", NodeTestData.labelCell(in), NodeTestData.labelCell(roi)))));
        assertArrayEquals(configured.getColumnNames(), out[0].getDataTableSpec().getColumnNames());
        assertEquals(3, IgnoreValueProperty.of(out[0].getDataTableSpec().getColumnSpec("Annotated labels")),
            "the default ignore value, highest class + 1, declared once the labels are read");
        assertArrayEquals(new int[]{2, 1, 0, 2, 1, 0, 0, 0}, labels(out[0], 0, 2).data());
        assertArrayEquals(new int[]{0, 0, 0, 0, 1, 1, 1, 1}, labels(out[0], 0, 3).data());
        DataRow row = out[0].iterator().next();
        // certain: the 4 upper voxels and the nucleus below; 5 of 8
        assertEquals(5 / 8.0, ((DoubleCell)row.getCell(4)).getDoubleValue(), 1e-12);
        List<String> classNames = new ArrayList<>();
        for (DataRow r : out[1]) {
            classNames.add(((StringCell)r.getCell(2)).getStringValue());
        }
        assertEquals(List.of("background", "nucleus", "mito"), classNames);
    }

    @Test
    void classRoiSettingsAreCheckedBeforeExecution() throws Exception {
        NodeHarness<AnnotatorNodeModel> h = harness();
        NodeSettings noClass = h.saveSettings();
        noClass.addString("mode", "class-roi");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(noClass));
        assertTrue(e.getMessage().contains("needs the class"), e.getMessage());
        NodeSettings nameOnly = h.saveSettings();
        nameOnly.addString("mode", "class-roi");
        nameOnly.addString("unknown_class", "mito");
        e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(nameOnly));
        assertTrue(e.getMessage().contains("mito=<value>"), e.getMessage());
        nameOnly.addString("class_names", "background, mito; golgi");
        e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(nameOnly));
        assertTrue(e.getMessage().contains("';'"), e.getMessage());

        // a value beyond the class names is refused with the row at execution
        LabelVolume in = LabelVolume.wrap("a", new int[]{0, 1, 0, 1}, new long[]{2, 2}, new double[]{1, 1});
        DataTableSpec spec = Tables.spec("labels", ImgPlusCell.TYPE, "roi", ImgPlusCell.TYPE);
        set(h, s -> {
            s.labelColumn.setStringValue("labels");
            s.roiColumn.setStringValue("roi");
            s.mode.setStringValue("class-roi");
            s.unknownClass.setStringValue("3");
            s.classNames.setStringValue("background, nucleus");
        });
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> h.execute(Tables.table(spec,
            new DefaultRow("r1", NodeTestData.labelCell(in), NodeTestData.labelCell(in)))));
        assertTrue(x.getMessage().contains("class 3"), x.getMessage());
        // the ROI column is required in this mode
        set(h, s -> s.roiColumn.setStringValue(""));
        assertThrows(InvalidSettingsException.class, () -> h.configure(spec));
    }

    @Test
    void missingLabelCellNamesTheRow() throws Exception {
        DataTableSpec spec = Tables.spec("labels", StringCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> s.labelColumn.setStringValue("labels"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> h.execute(Tables.table(spec, new DefaultRow("broken row", DataType.getMissingCell()))));
        assertTrue(e.getMessage().contains("broken row") && e.getMessage().contains("labels"), e.getMessage());
    }

    @Test
    void unreadableFileNamesTheRowAndFile() throws Exception {
        DataTableSpec spec = Tables.spec("labels", StringCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> s.labelColumn.setStringValue("labels"));
        Path missing = dir.resolve("nope.png");
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> h.execute(Tables.table(spec, new DefaultRow("row 7", NodeTestData.pathCell(missing)))));
        assertTrue(e.getMessage().contains("row 7") && e.getMessage().contains("nope.png"), e.getMessage());
    }

    @Test
    void emptyTableIsRefused() throws Exception {
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> s.labelColumn.setStringValue("labels"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> h.execute(Tables.table(Tables.spec("labels", StringCell.TYPE))));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void cancellationStopsExecution() throws Exception {
        List<Path> files = NodeTestData.nucleiLabels(2);
        DataTableSpec spec = Tables.spec("labels", StringCell.TYPE);
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> s.labelColumn.setStringValue("labels"));
        h.cancelAfterChecks(2);
        assertThrows(CanceledExecutionException.class, () -> h.execute(Tables.table(spec,
            new DefaultRow("a", NodeTestData.pathCell(files.get(0))),
            new DefaultRow("b", NodeTestData.pathCell(files.get(1))))));
    }

    @Test
    void configureNamesAMissingColumnAndPresetsTheLabelColumn() throws Exception {
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> s.labelColumn.setStringValue("gone"));
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
            () -> h.configure(Tables.spec("labels", StringCell.TYPE)));
        assertTrue(e.getMessage().contains("\"gone\""), e.getMessage());

        NodeHarness<AnnotatorNodeModel> fresh = harness();
        fresh.configure(Tables.spec("number", DoubleCell.TYPE, "labels", ImgPlusCell.TYPE));
        assertEquals("labels", fresh.model().settings().labelColumn.getStringValue());
    }

    @Test
    void settingsRoundTripThroughXmlAndDialog() throws Exception {
        NodeHarness<AnnotatorNodeModel> h = harness();
        set(h, s -> {
            s.mode.setStringValue("border");
            s.borderWidth.setDoubleValue(3.5);
            s.labelColumn.setStringValue("labels");
        });
        NodeSettings saved = h.saveSettings();
        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        saved.saveToXML(xml);
        NodeHarness<AnnotatorNodeModel> other = harness();
        other.loadSettings(NodeSettings.loadFromXML(new java.io.ByteArrayInputStream(xml.toByteArray())));
        assertEquals("border", other.model().settings().mode.getStringValue());
        assertEquals(3.5, other.model().settings().borderWidth.getDoubleValue());

        NodeSettings fromDialog = h.dialogRoundTrip(saved, Tables.spec("labels", ImgPlusCell.TYPE));
        assertEquals(saved.keySet(), fromDialog.keySet(), "the dialog edits every setting");
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        saved.saveToXML(a);
        fromDialog.saveToXML(b);
        assertEquals(new TreeSet<>(List.of(a.toString().split("\n"))),
            new TreeSet<>(List.of(b.toString().split("\n"))), "same entries and values");
    }

    @Test
    void invalidSettingsAreRefusedBeforeLoading() throws Exception {
        NodeHarness<AnnotatorNodeModel> h = harness();
        NodeSettings bad = h.saveSettings();
        bad.addString("mode", "paint");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.loadSettings(bad));
        assertTrue(e.getMessage().contains("paint"), e.getMessage());
        assertEquals("scribbles", h.model().settings().mode.getStringValue(), "settings unchanged");

        NodeSettings remap = h.saveSettings();
        remap.addString("mode", "remap");
        remap.addString("remap_values", "3, x");
        e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(remap));
        assertTrue(e.getMessage().contains("\"x\""), e.getMessage());

        NodeSettings collide = h.saveSettings();
        collide.addBoolean("ignore_value_default", false);
        collide.addInt("ignore_value", 1);
        collide.addString("mode", "border");
        // 1 is a class only once the data is known: refused at execution with the data's class range
        h.validateSettings(collide);

        NodeSettings outOfRange = h.saveSettings();
        outOfRange.addDouble("patch_fraction", 1.5);
        e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(outOfRange));
        assertTrue(e.getMessage().contains("patch_fraction"), e.getMessage());
    }

    private static Object castTables(final org.knime.core.node.port.PortObject[] out) {
        BufferedDataTable[] t = new BufferedDataTable[out.length];
        for (int i = 0; i < out.length; i++) {
            t[i] = (BufferedDataTable)out[i];
        }
        return t;
    }
}
