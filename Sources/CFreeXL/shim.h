// FreeXL (Debian's libfreexl-dev): reads legacy Excel .xls (BIFF5/BIFF8) cells and sheet names.
#include <freexl.h>
