package org.scijava;

/**
 * API surface: something with a name.
 * <p>
 * Source checked: scijava/scijava-common, src/main/java/org/scijava/Named.java, commit
 * 0a2b886f853fc4e68217fca668a9023115f5b3e4 (unchanged since long before the version KNIME Image Processing 1.8 ships).
 */
public interface Named {

    String getName();

    void setName(String name);
}
