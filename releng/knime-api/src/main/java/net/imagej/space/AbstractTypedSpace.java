package net.imagej.space;

import java.util.List;

import net.imagej.axis.TypedAxis;

/**
 * API surface: typed axes on top of {@link AbstractAnnotatedSpace}.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/space/AbstractTypedSpace.java.
 */
public abstract class AbstractTypedSpace<A extends TypedAxis> extends AbstractAnnotatedSpace<A>
    implements TypedSpace<A> {

    public AbstractTypedSpace(final int numDims) {
        super(numDims);
    }

    @SafeVarargs
    public AbstractTypedSpace(final A... axes) {
        super(axes);
    }

    public AbstractTypedSpace(final List<A> axes) {
        super(axes);
    }
}
