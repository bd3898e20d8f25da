; Text the grammar could not read as any instruction, at the top of the file. Errors nested inside an
; instruction are left alone: the grammar is stricter than Docker there (shell bodies, legacy ENV
; continuations, flags without values), and the model reads those instructions itself.
(source_file (ERROR) @error)
