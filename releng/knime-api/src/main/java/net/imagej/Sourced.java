package net.imagej;

/**
 * API surface: something that remembers where it came from.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/Sourced.java.
 */
public interface Sourced {

    void setSource(String source);

    String getSource();
}
