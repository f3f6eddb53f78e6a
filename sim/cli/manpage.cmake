# manpage.cmake — the man page msksim.1 from the program's own help: the overview from
# `msksim --help` and `--version` (help2man), then one section per command from
# `msksim help COMMAND`. Run as: cmake -DMSKSIM=... -DHELP2MAN=... -DOUT=... -P manpage.cmake
set(include_file "${OUT}.h2m")
file(WRITE "${include_file}" "")
foreach(cmd run check sweep params plot export evidence calibrate validate bench)
  execute_process(COMMAND "${MSKSIM}" help ${cmd} OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "msksim help ${cmd} failed (${rc})")
  endif()
  # roff: a line starting with '.' or a quote would be read as a request; hyphens in
  # options are kept literal.
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  file(APPEND "${include_file}" "[COMMAND: ${cmd}]\n.nf\n${text}\n.fi\n")
endforeach()
execute_process(COMMAND "${HELP2MAN}" --no-info --section 1
                        --name "simulate musculoskeletal decline and interventions"
                        --include "${include_file}" --output "${OUT}" "${MSKSIM}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
