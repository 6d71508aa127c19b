/* SPDX-License-Identifier: GPL-2.0 */
/* libgcov's public interface (gcov.h), linked into UML coverage builds. */
#ifndef _VFIO_AP_REF_GCOV_UML_H_
#define _VFIO_AP_REF_GCOV_UML_H_

void __gcov_dump(void);

#endif /* _VFIO_AP_REF_GCOV_UML_H_ */
