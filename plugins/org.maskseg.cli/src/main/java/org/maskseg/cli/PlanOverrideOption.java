package org.maskseg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.maskseg.core.InvalidInputException;

import picocli.CommandLine.Option;

/**
 * Values merged onto the planned plan (plan, train): inline JSON, or a JSON file such as one written by
 * {@code maskseg plan --out} and edited.
 */
final class PlanOverrideOption {

    @Option(names = {"--plan-overrides", "--override", "--plan"}, paramLabel = "JSON|FILE",
            description = "JSON object (or a file holding one) merged onto the planned plan, e.g. "
                    + "{\"patchSize\":[128,128],\"batchSize\":4} or {\"training\":{\"initialLearningRate\":0.005}}; "
                    + "a whole plan saved by 'maskseg plan' (and edited) is trained as it is")
    String value;

    /** The file the value names, or null for inline JSON or no value (for the input/output check). */
    Path file() {
        if (value == null || value.isBlank() || value.strip().startsWith("{")) {
            return null;
        }
        try {
            return Path.of(value.strip());
        } catch (InvalidPathException e) {
            throw new InvalidInputException(refusal(value.strip()));
        }
    }

    /** The JSON text: the value itself when it starts with '{', otherwise the content of the file it names. */
    String json() throws IOException {
        Path file = file();
        if (file == null) {
            return value == null || value.isBlank() ? null : value.strip();
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(refusal(value.strip()));
        }
        return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String refusal(String v) {
        return "--plan-overrides must be a JSON object {...} or an existing JSON file; '" + v + "' is neither";
    }
}
