package org.maskseg.core.io;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Turns Jackson's parse errors into one line for a {@code maskseg:} message. */
public final class JsonErrors {

    private JsonErrors() {
    }

    /**
     * The reason and position of a parse error, e.g. {@code Unexpected character ('}') (line 3, column 7)},
     * without Jackson's multi-line source excerpt; other I/O errors by their message.
     */
    public static String describe(IOException e) {
        if (e instanceof JsonProcessingException j) {
            String reason = j.getOriginalMessage() == null ? j.getClass().getSimpleName() : j.getOriginalMessage();
            int cut = reason.indexOf(" (start marker");
            reason = (cut >= 0 ? reason.substring(0, cut) : reason).split("\\R")[0].strip();
            return reason + (j.getLocation() == null ? ""
                    : " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")");
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.split("\\R")[0].strip();
    }
}
