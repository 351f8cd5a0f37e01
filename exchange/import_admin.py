"""The admin's “Import” button: a CSV or XLSX file, previewed with every row's errors before anything is written."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin

from .import_files import CSVFile, ImportFileError, XLSXFile


class RecordImportMixin(ImportMixin):
    """Import for a model admin (put it before ``SimpleHistoryAdmin`` in the bases).

    The upload is first imported in a transaction that is rolled back (the preview); the confirm step
    imports it again for real, and rolls everything back if any row fails there.
    """

    import_formats = [CSVFile, XLSXFile]
    import_template_name = "admin/import_records.html"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # Without this, import-export keeps the good rows of a file that has bad ones.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The records changed between the preview and the confirmation: nothing was written.
            problems = result.problems()
            messages.error(
                request,
                _("Nothing was imported: %(problems)s") % {"problems": "; ".join(problems[:10])},
            )
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        return super().process_result(result, request)
