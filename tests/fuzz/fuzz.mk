# fuzz.mk - builds the libFuzzer targets with clang (GNU make; Makefile.am calls it
# with FUZZ_CC, srcdir, CORE_SOURCES, FUZZ_CPPFLAGS and FUZZ_LIBS). The core is
# compiled once more, instrumented for coverage and with ASan and UBSan, into an
# archive both targets link against.
FUZZ_CFLAGS = -std=c11 -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-fsanitize=address,undefined
OBJDIR = tests/fuzz/obj
CORE_OBJS = $(patsubst src/%.c,$(OBJDIR)/%.o,$(CORE_SOURCES))

all: tests/fuzz/fuzz_parse tests/fuzz/fuzz_config

$(OBJDIR)/%.o: $(srcdir)/src/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC   $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_CPPFLAGS) -MMD -MP -c $< -o $@

tests/fuzz/libcore.a: $(CORE_OBJS)
	@rm -f $@
	@echo "  AR       $@"
	@ar rcs $@ $(CORE_OBJS)

tests/fuzz/fuzz_%: $(srcdir)/tests/fuzz/fuzz_%.c tests/fuzz/libcore.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_CPPFLAGS) $< tests/fuzz/libcore.a \
		$(FUZZ_LIBS) -o $@

-include $(CORE_OBJS:.o=.d)
