package org.maskseg.core.model;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A training checkpoint: a model file with two more entries, so that training can continue exactly where
 * it stopped. {@code optimizer.bin} holds the optimiser's buffers (e.g. momentum) in the tensor encoding
 * of {@code weights.bin}; {@code trainer-state.json} holds the trainer's own state (epoch, moving
 * averages, history), which this package treats as opaque JSON. A checkpoint can be used wherever a model
 * file is expected.
 */
public final class Checkpoint {

    static final String OPTIMIZER = "optimizer.bin";
    static final String TRAINER_STATE = "trainer-state.json";

    private final TrainedModel model;
    private final Map<String, HostTensor> optimizerState;
    private final JsonNode trainerState;

    public Checkpoint(TrainedModel model, Map<String, HostTensor> optimizerState, JsonNode trainerState) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
        this.trainerState = Objects.requireNonNull(trainerState, "trainerState").deepCopy();
    }

    public TrainedModel model() {
        return model;
    }

    /** Optimiser buffers by name (unmodifiable). */
    public Map<String, HostTensor> optimizerState() {
        return optimizerState;
    }

    /** The trainer's state as JSON (a copy). */
    public JsonNode trainerState() {
        return trainerState.deepCopy();
    }

    /** Writes the checkpoint atomically (temporary file in the target folder, then moved into place). */
    public void save(Path file) throws IOException {
        ModelArchive.writeAtomically(file, this::write);
    }

    public void write(OutputStream out) throws IOException {
        Map<String, byte[]> entries = model.entries();
        entries.put(OPTIMIZER, TensorCodec.encode(optimizerState));
        entries.put(TRAINER_STATE, ModelArchive.JSON.writeValueAsBytes(trainerState));
        ModelArchive.write(out, model.manifest("checkpoint"), entries);
    }

    /** Reads and verifies a checkpoint; a plain model file is refused with a clear message. */
    public static Checkpoint load(Path file) {
        String source = String.valueOf(file.getFileName());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, source);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("checkpoint '" + file + "' does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint '" + file + "' cannot be read: " + e.getMessage(), e);
        }
    }

    public static Checkpoint read(InputStream in, String source) {
        ModelArchive.Contents c = ModelArchive.read(in, source);
        TrainedModel model = TrainedModel.fromContents(c, source);
        ObjectNode m = c.manifest();
        byte[] opt = c.entries().get(OPTIMIZER);
        byte[] state = c.entries().get(TRAINER_STATE);
        if (!"checkpoint".equals(m.path("kind").asText()) || opt == null || state == null) {
            throw new InvalidInputException("'" + source + "' is a model file, not a training checkpoint: it has no "
                    + "optimiser state to resume from");
        }
        try {
            return new Checkpoint(model, TensorCodec.decode(opt, "checkpoint '" + source + "': " + OPTIMIZER),
                    ModelArchive.JSON.readTree(state));
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint '" + source + "' is corrupt: " + e.getMessage(), e);
        }
    }
}
