package io.github.vhd4j.internal.vhd;

import org.jspecify.annotations.Nullable;

/**
 * The footer the parse goes on with, and what else was found.
 *
 * @param chosen the footer in effect: the one at the end of the file, or the copy at offset 0
 * @param head the copy at offset 0, or null when the file has no room for one
 * @param headCopyUsed true when the copy stands in for a lost or damaged footer
 * @param dataEnd where blocks may end: before the footer at the end, or at the file's end when
 *     that footer is gone
 */
record FooterChoice(FooterCandidate chosen, @Nullable FooterCandidate head, boolean headCopyUsed, long dataEnd) {}
