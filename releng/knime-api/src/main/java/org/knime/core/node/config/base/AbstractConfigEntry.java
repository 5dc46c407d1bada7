package org.knime.core.node.config.base;

import java.io.Serializable;
import java.util.Enumeration;

import javax.swing.tree.TreeNode;

/**
 * API surface: the root of KNIME's settings tree entries, a {@code Serializable} Swing {@code TreeNode}. The nodes never
 * use settings as Swing tree nodes; the {@code TreeNode} methods are declared where KNIME declares them (with the same
 * finality) only because the concrete settings classes must implement the interface, and they throw here. The
 * constructor is package-private as KNIME's is.
 * <p>
 * Source checked: knime/knime-shared, org.knime.core.util/src/main/java/org/knime/core/node/config/base/AbstractConfigEntry.java, commit 63efb3f4c044c1acb1324b77d2f05908b2be4114.
 */
public abstract class AbstractConfigEntry implements Serializable, TreeNode {

    private static final long serialVersionUID = 1L;

    AbstractConfigEntry() {
    }

    @Override
    public TreeNode getChildAt(final int childIndex) {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }

    @Override
    public int getChildCount() {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }

    @Override
    public final TreeNode getParent() {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }

    @Override
    public int getIndex(final TreeNode node) {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }

    @Override
    public final boolean getAllowsChildren() {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }

    @Override
    public boolean isLeaf() {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }

    @Override
    public Enumeration<TreeNode> children() {
        throw new UnsupportedOperationException("settings trees are not browsed as Swing trees here");
    }
}
