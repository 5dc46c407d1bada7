package org.knime.core.util;

import java.nio.file.Path;

/**
 * Sets the workflow folder against which {@code knime://knime.workflow/} URLs resolve, in the role of the workflow
 * context KNIME provides while a workflow's nodes run. Used by {@code org.maskseg.knime.testing}.
 */
public final class FileUtilTestAccess {

    private FileUtilTestAccess() {
    }

    /** @param workflow the workflow folder, or null to leave the workflow */
    public static void setWorkflowDirectory(final Path workflow) {
        FileUtil.workflowDirectory = workflow == null ? null : workflow.toAbsolutePath().normalize();
    }
}
