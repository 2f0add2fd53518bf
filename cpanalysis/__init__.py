"""cpanalysis: analytics for English local authority children's services, from SSDA903 extracts."""

import pyarrow as _pa

__version__ = "0.1.0"


def _arrow_allocator() -> None:
    """pyarrow's jemalloc allocator where the wheel has it (Linux, macOS; not Windows), returning freed memory to
    the system after 100 ms: the default, mimalloc, kept it. The loader's text is pyarrow's (read, cleaned, merged,
    frame after frame): loading and validating at national size (synth --scale 100, 2 cores) peaked at 1.45-1.55 GB
    with it against 1.75-1.8 GB, and `cpanalysis project` at 1.1 GB against 1.35 GB. Returning memory at once (0 ms)
    made the LA's load 25% slower; jemalloc's own 1 s, 1.51-1.55 GB. ARROW_DEFAULT_MEMORY_POOL, when set, is the
    user's choice and stands."""
    import os

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        _pa.set_memory_pool(_pa.jemalloc_memory_pool())
        _pa.jemalloc_set_decay_ms(100)
    except NotImplementedError:  # a build without jemalloc: its default stays
        pass


_arrow_allocator()
