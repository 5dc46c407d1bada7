package org.maskseg.knime.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.collection.CollectionCellFactory;
import org.knime.core.data.collection.ListCell;
import org.knime.core.data.def.IntCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.InvalidSettingsException;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.testing.Tables;

class PartialLabelColumnsTest {

    private static final List<String> NAMES = List.of("background", "nucleus", "mito");

    private static LabelVolume mask(final int... values) {
        return LabelVolume.wrap("m", values, new long[]{2, 2}, new double[]{1, 1});
    }

    private static BufferedDataTable table() throws Exception {
        DataTableSpec spec = Tables.spec("classes", StringCell.TYPE, "Unknown mask (mito)", ImgPlusCell.TYPE,
            "other mask", ImgPlusCell.TYPE);
        return Tables.table(spec,
            new DefaultRow("r1", new StringCell("nucleus; mito"), NodeTestData.labelCell(mask(0, 0, 1, 1)),
                NodeTestData.labelCell(mask(1, 0, 0, 0))),
            new DefaultRow("r2", new StringCell("1"), DataType.getMissingCell(), DataType.getMissingCell()),
            new DefaultRow("r3", DataType.getMissingCell(), DataType.getMissingCell(), DataType.getMissingCell()));
    }

    @Test
    void classSetsAndMasksBecomeClassKnowledgePerRow() throws Exception {
        BufferedDataTable t = table();
        PartialLabelColumns p = PartialLabelColumns.of(t.getDataTableSpec(), "classes", true, "other mask", "1");
        assertEquals(List.of("other mask", "Unknown mask (mito)"),
            p.maskColumns().stream().map(PartialLabelColumns.MaskColumn::column).toList());
        Iterator<DataRow> rows = t.iterator();
        ClassKnowledge r1 = p.knowledge(rows.next(), NAMES);
        assertEquals(Set.of(1, 2), r1.annotatedClasses());
        assertArrayEquals(new int[]{0, 0, 1, 1}, r1.unknownMasks().get(2).data());
        assertArrayEquals(new int[]{1, 0, 0, 0}, r1.unknownMasks().get(1).data());
        ClassKnowledge r2 = p.knowledge(rows.next(), NAMES);
        assertEquals(Set.of(1), r2.annotatedClasses(), "classes by value");
        assertTrue(r2.unknownMasks().isEmpty(), "missing mask cells: the class is known wherever annotated");
        assertTrue(p.knowledge(rows.next(), NAMES).isComplete(), "missing class set: every class annotated");

        PartialLabelColumns none = PartialLabelColumns.of(t.getDataTableSpec(), "", false, null, "");
        assertTrue(none.isEmpty());
    }

    @Test
    void collectionCellsListTheClasses() throws Exception {
        DataTableSpec spec = Tables.spec("classes", ListCell.getCollectionType(StringCell.TYPE), "numbers",
            ListCell.getCollectionType(IntCell.TYPE));
        BufferedDataTable t = Tables.table(spec, new DefaultRow("r1",
            CollectionCellFactory.createListCell(List.of(new StringCell("Mito"), new StringCell("nucleus"))),
            CollectionCellFactory.createListCell(List.of(new IntCell(0), new IntCell(2)))));
        DataRow row = t.iterator().next();
        assertEquals(Set.of(1, 2), PartialLabelColumns.of(spec, "classes", false, "", "").knowledge(row, NAMES)
            .annotatedClasses(), "names in any case");
        assertEquals(Set.of(2), PartialLabelColumns.of(spec, "numbers", false, "", "").knowledge(row, List.of())
            .annotatedClasses(), "background is always annotated and left out");
    }

    @Test
    void classesByNameNeedNamesAndErrorsNameTheRow() throws Exception {
        BufferedDataTable t = table();
        PartialLabelColumns p = PartialLabelColumns.of(t.getDataTableSpec(), "classes", false, "", "");
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> p.knowledge(t.iterator().next(), List.of()));
        assertTrue(e.getMessage().startsWith("Row \"r1\", column \"classes\": unknown class 'nucleus'"), e.getMessage());
        assertTrue(e.getMessage().contains("no names"), e.getMessage());

        PartialLabelColumns golgi = PartialLabelColumns.of(t.getDataTableSpec(), "", false, "other mask", "golgi");
        e = assertThrows(InvalidInputException.class, () -> golgi.knowledge(t.iterator().next(), NAMES));
        assertTrue(e.getMessage().startsWith("Row \"r1\", column \"other mask\": unknown class 'golgi'"),
            e.getMessage());

        InvalidSettingsException s = assertThrows(InvalidSettingsException.class,
            () -> PartialLabelColumns.of(t.getDataTableSpec(), "", false, "other mask", ""));
        assertTrue(s.getMessage().contains("Unknown mask class"), s.getMessage());
        s = assertThrows(InvalidSettingsException.class,
            () -> PartialLabelColumns.of(t.getDataTableSpec(), "Unknown mask (mito)", false, "", ""));
        assertTrue(s.getMessage().contains("Annotated classes column"), s.getMessage());
        PartialLabelColumns explicitName = PartialLabelColumns.of(t.getDataTableSpec(), "", false,
            "Unknown mask (mito)", "");
        assertEquals("mito", explicitName.maskColumns().get(0).classToken());
        assertTrue(PartialLabelColumns.of(t.getDataTableSpec(), "", false, "", "").isEmpty());
    }
}
