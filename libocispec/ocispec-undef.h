/* Clears the oci-spec.def macros between two expansions of the file. */
#undef OCI_STRUCT
#undef OCI_END
#undef OCI_STR
#undef OCI_ENUM
#undef OCI_BOOL
#undef OCI_I32
#undef OCI_U32
#undef OCI_I64
#undef OCI_U64
#undef OCI_U16
#undef OCI_OBJ
#undef OCI_STRV
#undef OCI_ENUMV
#undef OCI_U32V
#undef OCI_OBJV
#undef OCI_STRMAP
#undef OCI_OBJMAP
