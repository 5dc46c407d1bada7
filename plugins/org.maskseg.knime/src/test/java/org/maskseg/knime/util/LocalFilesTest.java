package org.maskseg.knime.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.util.FileUtilTestAccess;
import org.maskseg.core.InvalidInputException;

/** What users type as a file: local paths, file: URLs and workflow-relative knime: URLs. */
class LocalFilesTest {

    @TempDir
    Path dir;

    @AfterEach
    void leaveWorkflow() {
        FileUtilTestAccess.setWorkflowDirectory(null);
    }

    @Test
    void localPathsAndFileUrlsAreLocal() {
        Path file = dir.resolve("a b.png");
        assertEquals(file, LocalFiles.resolve(file.toString(), "image"));
        assertEquals(file, LocalFiles.resolve(file.toUri().toString(), "image"));
    }

    @Test
    void workflowRelativeUrlsResolveAgainstTheWorkflowFolder() {
        Path workflow = dir.resolve("workspace/My Flow");
        FileUtilTestAccess.setWorkflowDirectory(workflow);
        assertEquals(workflow.resolve("data/a b.png"),
            LocalFiles.resolve("knime://knime.workflow/data/a b.png", "image"));
        assertEquals(dir.resolve("workspace/Other Flow/model.zip"),
            LocalFiles.resolve("knime://knime.workflow/../Other Flow/model.zip", "model file"));
        InvalidInputException mountPoint = assertThrows(InvalidInputException.class,
            () -> LocalFiles.resolve("knime://EXAMPLES/model.zip", "model file"));
        assertTrue(mountPoint.getMessage().startsWith("model file 'knime://EXAMPLES/model.zip' is not a local file"),
            mountPoint.getMessage());
    }

    @Test
    void workflowRelativeUrlsNeedAWorkflow() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> LocalFiles.resolve("knime://knime.workflow/data/a.png", "image"));
        assertTrue(e.getMessage().startsWith("image 'knime://knime.workflow/data/a.png' cannot be resolved"),
            e.getMessage());
    }
}
