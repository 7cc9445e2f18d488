/* placeholder: the vtape backend replaces this file */
#include <errno.h>

#include "tclientd.h"

const struct backend_ops backend_vtape = {
	.name = "vtape",
};
