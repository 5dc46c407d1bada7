package org.maskseg.core.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.Json;
import org.maskseg.core.io.JsonErrors;
import org.maskseg.core.io.ReadLimits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The container of model files and checkpoints: a zip archive whose first entry is the manifest
 * {@value #MANIFEST}, followed by data entries. The manifest records the SHA-256 of every data entry, so
 * damage anywhere is detected on load. Writes go to a temporary file next to the target that is then moved
 * into place, so a crash or a cancellation never leaves a half-written model under the target name.
 */
final class ModelArchive {

    static final String MANIFEST = "maskseg-model.json";
    static final String FORMAT = "maskseg-model";
    /** Newest format this code writes and reads. */
    static final int FORMAT_VERSION = 2;
    static final String CREATED_BY = "MaskSeg 0.1.0";

    static final ObjectMapper JSON = Json.MAPPER;

    private ModelArchive() {
    }

    /**
     * The manifest of an archive as indented JSON, without reading the weights: what a viewer shows. The
     * manifest is the first entry, so only the start of the file is read.
     */
    static String manifestText(Path file) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (MANIFEST.equals(e.getName())) {
                    return JSON.writeValueAsString(JSON.readTree(zip.readAllBytes()));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("model file '" + file + "' cannot be read: " + e.getMessage(), e);
        }
        throw new InvalidInputException("'" + file + "' is not a MaskSeg model file (no " + MANIFEST + ")");
    }

    /** Manifest plus raw data entries, as read from or about to be written to an archive. */
    record Contents(ObjectNode manifest, Map<String, byte[]> entries) {
    }

    /** Writes the archive: the manifest (with a checksum for each entry added) first, then the entries. */
    static void write(OutputStream out, ObjectNode manifest, Map<String, byte[]> entries) throws IOException {
        ObjectNode sums = manifest.putObject("entries");
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            ObjectNode n = sums.putObject(e.getKey());
            n.put("sha256", sha256(e.getValue()));
            n.put("bytes", e.getValue().length);
        }
        ZipOutputStream zip = new ZipOutputStream(out);
        putEntry(zip, MANIFEST, JSON.writeValueAsBytes(manifest), true);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            // float data hardly compresses; storing it keeps saving fast
            putEntry(zip, e.getKey(), e.getValue(), !e.getKey().endsWith(".bin"));
        }
        zip.finish();
        zip.flush();
    }

    private static void putEntry(ZipOutputStream zip, String name, byte[] data, boolean deflate) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        if (!deflate) {
            CRC32 crc = new CRC32();
            crc.update(data);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(data.length);
            entry.setCompressedSize(data.length);
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Reads and verifies an archive: a zip, with a manifest of the right format and a supported version,
     * and every entry the manifest lists present with a matching checksum.
     *
     * @param source the file name used in messages
     * @throws InvalidInputException for anything that is not an intact model file this version can read
     */
    static Contents read(InputStream in, String source) {
        Map<String, byte[]> raw = new LinkedHashMap<>();
        boolean isZip = false;
        try {
            ZipInputStream zip = new ZipInputStream(in);
            ZipEntry e;
            long budget = ReadLimits.maxArchiveBytes();
            while ((e = zip.getNextEntry()) != null) {
                isZip = true;
                // entries are expanded against one budget, so that a small archive cannot fill the memory
                byte[] bytes = ReadLimits.readBounded(zip, budget, "model file '" + source + "'");
                budget -= bytes.length;
                raw.put(e.getName(), bytes);
            }
        } catch (IOException | IllegalArgumentException e) {
            if (!isZip) {
                throw new InvalidInputException("'" + source + "' is not a MaskSeg model file (not a readable zip "
                        + "archive: " + e.getMessage() + ")", e);
            }
            throw new InvalidInputException("model file '" + source + "' is corrupt or truncated: " + e.getMessage(),
                    e);
        }
        if (raw.isEmpty()) {
            throw new InvalidInputException("'" + source + "' is not a MaskSeg model file (not a zip archive)");
        }
        byte[] manifestBytes = raw.remove(MANIFEST);
        if (manifestBytes == null) {
            throw new InvalidInputException("'" + source + "' is not a MaskSeg model file (the zip archive has no "
                    + MANIFEST + ")");
        }
        ObjectNode manifest;
        try {
            JsonNode node = JSON.readTree(manifestBytes);
            if (!(node instanceof ObjectNode o)) {
                throw new IOException("not a JSON object");
            }
            manifest = o;
        } catch (IOException e) {
            throw new InvalidInputException("model file '" + source + "' is corrupt: " + MANIFEST + " is not valid JSON ("
                    + JsonErrors.describe(e) + ")", e);
        }
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new InvalidInputException("'" + source + "' is not a MaskSeg model file (" + MANIFEST
                    + " does not declare format '" + FORMAT + "')");
        }
        int version = manifest.path("formatVersion").asInt(-1);
        if (version < 1) {
            throw new InvalidInputException("model file '" + source + "' is corrupt: no valid formatVersion");
        }
        if (version > FORMAT_VERSION) {
            throw new InvalidInputException("model file '" + source + "' has format version " + version
                    + " (written by " + manifest.path("createdBy").asText("a newer MaskSeg")
                    + "); this MaskSeg reads format versions up to " + FORMAT_VERSION + ". Update MaskSeg to use it");
        }
        JsonNode sums = manifest.path("entries");
        if (!sums.isObject()) {
            throw new InvalidInputException("model file '" + source + "' is corrupt: " + MANIFEST
                    + " lists no entries");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> s : (Iterable<Map.Entry<String, JsonNode>>) sums::fields) {
            byte[] data = raw.get(s.getKey());
            if (data == null) {
                throw new InvalidInputException("model file '" + source + "' is corrupt: " + s.getKey() + " is missing");
            }
            if (!sha256(data).equals(s.getValue().path("sha256").asText())) {
                throw new InvalidInputException("model file '" + source + "' is corrupt: " + s.getKey()
                        + " checksum mismatch");
            }
            entries.put(s.getKey(), data);
        }
        return new Contents(manifest, entries);
    }

    /** Something that writes the whole archive to a stream. */
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes to a temporary file in the target's folder, then moves it onto the target (atomically where
     * the file system allows). On any failure the temporary file is deleted and the target is untouched.
     */
    static void writeAtomically(Path target, Writer writer) throws IOException {
        AtomicFiles.write(target, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writer.writeTo(out);
            }
        });
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
