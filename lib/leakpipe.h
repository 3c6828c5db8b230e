/* leakpipe.h - the one header programs include */
#ifndef LEAKPIPE_H
#define LEAKPIPE_H

#include "arena.h"
#include "attr.h"
#include "cli.h"
#include "cluster.h"
#include "decode.h"
#include "detect.h"
#include "diag.h"
#include "emit.h"
#include "error.h"
#include "frame.h"
#include "gctrace.h"
#include "godump.h"
#include "input.h"
#include "intern.h"
#include "legacycpu.h"
#include "legacytext.h"
#include "limits.h"
#include "pprof.h"
#include "profile.h"
#include "progress.h"
#include "reader.h"
#include "record.h"
#include "signature.h"
#include "str.h"
#include "table.h"
#include "threadz.h"
#include "util.h"

#endif
