/** Implementation details of the LakeForge runtime; not a public API and may change at any time. */
@NullMarked
package io.lakeforge.runtime.internal;

import org.jspecify.annotations.NullMarked;
